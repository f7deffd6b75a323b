//! Sorting by go-yaml's key order, which is not a total order (runs of
//! digits compare as numbers, so for some key sets `a < b < c < a`).
//! Go's `sort.Sort` orders such sets somehow and never fails; Rust's slice
//! sorts panic when they detect the inconsistency. This sort never panics:
//! up to 12 keys it is Go's own insertion sort (what `sort.Sort` runs for
//! that many), so the order is Go's exactly; above that a merge sort, which
//! gives Go's order whenever the keys are consistently ordered.

/// Sorts `items` by `less`, never panicking whatever `less` answers.
pub fn sort_by_less<T>(items: &mut Vec<T>, less: impl Fn(&T, &T) -> bool) {
    let n = items.len();
    if n <= 12 {
        // Go: for i := a+1; i < b; i++ { for j := i; j > a && Less(j, j-1); j-- { Swap } }
        for i in 1..n {
            let mut j = i;
            while j > 0 && less(&items[j], &items[j - 1]) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mut order: Vec<usize> = (0..n).collect();
    let mut buf = vec![0usize; n];
    merge_sort(&mut order, &mut buf, &|a: usize, b: usize| {
        less(&items[a], &items[b])
    });
    let mut slots: Vec<Option<T>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// Stable top-down merge sort of indexes.
fn merge_sort(v: &mut [usize], buf: &mut [usize], less: &dyn Fn(usize, usize) -> bool) {
    let n = v.len();
    if n <= 1 {
        return;
    }
    let mid = n / 2;
    merge_sort(&mut v[..mid], &mut buf[..mid], less);
    merge_sort(&mut v[mid..], &mut buf[mid..], less);
    buf[..n].copy_from_slice(v);
    let (left, right) = buf[..n].split_at(mid);
    let (mut i, mut j) = (0, 0);
    for slot in v.iter_mut() {
        // Take from the right only when strictly less: stable.
        if j < right.len() && (i >= left.len() || less(right[j], left[i])) {
            *slot = right[j];
            j += 1;
        } else {
            *slot = left[i];
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_a_total_order_when_there_is_one() {
        let mut v: Vec<u32> = (0..100).map(|i| (i * 37) % 101).collect();
        let mut want = v.clone();
        want.sort();
        sort_by_less(&mut v, |a, b| a < b);
        assert_eq!(v, want);
        let mut small = vec![5, 3, 9, 1];
        sort_by_less(&mut small, |a, b| a < b);
        assert_eq!(small, [1, 3, 5, 9]);
    }

    #[test]
    fn an_inconsistent_order_never_panics_and_keeps_every_item() {
        // Rock-paper-scissors on residues: no total order exists.
        for n in [3usize, 12, 13, 40, 200] {
            let mut v: Vec<usize> = (0..n).rev().collect();
            sort_by_less(&mut v, |a, b| {
                (b + 3 - a % 3) % 3 == 1 || (a * 7 + b) % 5 == 0
            });
            let mut seen = v.clone();
            seen.sort();
            assert_eq!(seen, (0..n).collect::<Vec<_>>());
        }
    }

    #[test]
    fn go_yaml_keys_that_broke_the_std_sort() {
        // Found by fuzz/yaml: a map whose keys go-yaml orders inconsistently.
        let text = std::fs::read("testdata/yaml/key-order-inconsistent.yaml").unwrap();
        let value = crate::yaml::from_yaml(&String::from_utf8_lossy(&text)).unwrap();
        let emitted = crate::yaml::to_yaml(&value).unwrap();
        assert!(emitted.contains(':'), "{emitted}");
    }
}
