#[test]
fn go_layouts() {
    assert_eq!(
        super::go_format("2006-01-02T15:04:05Z07:00", 86400 + 3661, 0),
        "1970-01-02T01:01:01Z"
    );
    assert_eq!(super::go_format("Jan _2 06", 0, 0), "Jan  1 70");
    assert_eq!(super::go_duration(95), "1m35s");
}

#[test]
fn parses_and_prints_times() {
    let t = super::parse_time("2006-01-02T15:04:05Z07:00", "2021-03-04T05:06:07+02:00").unwrap();
    assert_eq!(t.to_string(), "2021-03-04 05:06:07 +0200 +0200");
    assert_eq!(t.secs, 1614827167);
    assert_eq!(
        t.in_utc().format("2006-01-02T15:04:05Z07:00"),
        "2021-03-04T03:06:07Z"
    );
    let d = super::parse_time("2006-01-02", "2021-03-04").unwrap();
    assert_eq!(d.to_string(), "2021-03-04 00:00:00 +0000 UTC");
    assert_eq!(
        d.format("Monday 002 Jan 2, 2006 3:04PM"),
        "Thursday 063 Mar 4, 2021 12:00AM"
    );
    let e = super::parse_time("2006-01-02", "bad").unwrap_err();
    assert_eq!(
        e,
        "parsing time \"bad\" as \"2006-01-02\": cannot parse \"bad\" as \"2006\""
    );
    assert!(super::parse_time("2006-01-02", "2021-02-30").is_err());
    assert_eq!(
        super::parse_time("2006-01-02 15:04", "2021-03-04 9:05")
            .unwrap()
            .secs,
        1614816000 + 9 * 3600 + 300
    );
    assert_eq!(
        super::parse_time("2006-01-02", "2021-13-01").unwrap_err(),
        "parsing time \"2021-13-01\": month out of range"
    );
    assert_eq!(
        super::parse_time("Jan _2 2006 MST", "Mar  4 2021 EST")
            .unwrap()
            .to_string(),
        "2021-03-04 00:00:00 +0000 EST"
    );
}

#[test]
fn time_methods() {
    use minijinja::Value;
    let t = super::parse_time("2006-01-02", "2021-03-04").unwrap();
    let u = super::parse_time("2006-01-02", "2021-03-05").unwrap();
    let call = |n: &str, a: &[Value]| t.method(n, a).unwrap().to_string();
    assert_eq!(call("Year", &[]), "2021");
    assert_eq!(call("Weekday", &[]), "Thursday");
    assert_eq!(call("YearDay", &[]), "63");
    assert_eq!(call("Month", &[]), "March");
    assert_eq!(call("Unix", &[]), "1614816000");
    assert_eq!(call("Format", &[Value::from("Jan 2, 2006")]), "Mar 4, 2021");
    let uv = Value::from_object(u);
    assert_eq!(
        t.method("Before", std::slice::from_ref(&uv)).unwrap(),
        Value::from(true)
    );
    assert_eq!(call("Sub", &[uv]), "-24h0m0s");
    assert!(t.method("Year", &[Value::from(1)]).is_err());
    assert!(t.method("Nope", &[]).is_err());
}

#[test]
fn extreme_times_do_not_panic() {
    for s in [i64::MAX, i64::MIN, 0, -1] {
        let t = super::GoTime::utc(s, 0);
        let _ = t.to_string();
        let _ = t.format("Monday January 2 2006 002 15:04:05.000 PM -07:00 MST");
        for m in ["Year", "YearDay", "Weekday", "Unix", "UnixNano", "Month"] {
            assert!(t.method(m, &[]).is_ok());
        }
    }
    assert!(super::parse_duration(&"9".repeat(100)).is_err());
    assert!(super::parse_duration("9999999999h").is_err());
    let _ = super::duration_string(i128::from(i64::MIN));
}

#[test]
fn durations() {
    assert_eq!(
        super::parse_duration("-48h").unwrap(),
        -48 * 3_600_000_000_000
    );
    assert_eq!(super::parse_duration("1.5s").unwrap(), 1_500_000_000);
    assert!(super::parse_duration("tomorrow").is_err());
    assert_eq!(super::duration_string(1_500_000), "1.5ms");
    assert_eq!(super::duration_string(90061 * 1_000_000_000), "25h1m1s");
    assert_eq!(
        super::duration_round(&minijinja::Value::from("2h10m5s")),
        "2h"
    );
    assert_eq!(super::duration_round(&minijinja::Value::from(95)), "0s");
    assert_eq!(
        super::duration_round(&crate::render::govalue::int64_value(95_000_000_000)),
        "1m"
    );
}
