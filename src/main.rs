fn main() {
    std::process::exit(helm_audit::cli::run());
}
