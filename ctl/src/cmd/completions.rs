//! `corral completions bash|zsh|fish|elvish|powershell`: prints the shell completion script for
//! every command and option (clap_complete). For bash, e.g.
//! `corral completions bash > ~/.local/share/bash-completion/completions/corral`.

use clap::CommandFactory;
use clap_complete::Shell;
use std::process::ExitCode;

/// Print a shell completion script
#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the script for the command line `C` parses.
pub fn run<C: CommandFactory>(args: CompletionsArgs) -> ExitCode {
    let mut command = C::command();
    clap_complete::generate(args.shell, &mut command, "corral", &mut std::io::stdout());
    ExitCode::SUCCESS
}
