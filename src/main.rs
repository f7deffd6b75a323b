helm_audit::use_jemalloc!();

/// Any panic becomes a one-line error naming the chart being processed, and
/// exit code 2: a Rust panic message or backtrace never reaches users.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown failure".into());
        let what = what.split_whitespace().collect::<Vec<_>>().join(" ");
        let at = info
            .location()
            .map(|l| format!(" [{}:{}]", l.file(), l.line()))
            .unwrap_or_default();
        let chart = helm_audit::pipeline::current_chart()
            .map(|c| format!(" while processing chart {c}"))
            .unwrap_or_default();
        eprintln!("Error: internal error{chart}: {what}{at} (a helm-audit bug: please report it)");
        std::process::exit(helm_audit::cli::EXIT_ERROR);
    }));
}

fn main() {
    install_panic_hook();
    std::process::exit(helm_audit::cli::run());
}
