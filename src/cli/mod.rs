//! The command-line interface: a thin layer over the library.

pub mod args;

use clap::Parser;

pub use args::Cli;
use args::Command;

/// Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or input error.
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Runs the CLI with the process arguments and returns the exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("Error: {message}");
            EXIT_ERROR
        }
    }
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
        _ => Err("this command is not available yet".into()),
    }
}
