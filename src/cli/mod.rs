//! The command-line interface: a thin layer over the library.

pub mod args;
pub mod commands;

use clap::{CommandFactory, Parser};

pub use args::Cli;
use args::Command;

/// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or input error.
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Runs the CLI with the process arguments and returns the exit code.
pub fn run() -> i32 {
    let args = plugin_args(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let code = match dispatch(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("Error: {message}");
            // `helm --debug audit ...` sets HELM_DEBUG: say what we saw.
            let env = crate::plugin::HelmEnv::from_env();
            if env.debug {
                for line in crate::plugin::debug_context(&env, &args) {
                    eprintln!("debug: {line}");
                }
            }
            EXIT_ERROR
        }
    };
    if crate::timing::enabled() {
        eprintln!("{}", crate::timing::summary());
    }
    code
}

/// Helm forwards `helm audit ARGS` as `helm-audit ARGS`: arguments that do not
/// start with a subcommand are `audit`'s.
pub fn plugin_args(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let cmd = Cli::command();
    let mut names: Vec<String> = vec!["help".into()];
    for sub in cmd.get_subcommands() {
        names.push(sub.get_name().to_string());
        names.extend(sub.get_all_aliases().map(str::to_string));
    }
    crate::plugin::with_default_subcommand(args, &names)
}

fn dispatch(cli: Cli) -> Result<i32, String> {
    match cli.command {
        Some(Command::Version) => {
            println!("helm-audit {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
        Some(Command::Rules) => {
            print!("{}", crate::rules::list_rules());
            Ok(0)
        }
        Some(Command::Explain { rule }) => {
            println!("{}", crate::rules::explain(&rule)?);
            Ok(0)
        }
        Some(Command::Audit(args)) => commands::audit(args),
        Some(Command::Template(args)) => commands::template(args),
        Some(Command::Eval(args)) => commands::eval(args),
        Some(Command::Diff(args)) => commands::diff(args),
        Some(Command::Report(args)) => commands::report(args),
        Some(Command::Repo(args)) => commands::repo(args),
        // `helm audit` alone audits the chart in the current directory.
        None => match Cli::try_parse_from(["helm-audit", "audit"]) {
            Ok(Cli {
                command: Some(Command::Audit(args)),
            }) => commands::audit(args),
            _ => Err("cannot build the default audit arguments".into()),
        },
    }
}
