//! `rasoat user add NAME --role xem|ra-soat|quan-tri`: accounts of `rasoat serve`.
use anyhow::Context;
use rasoat_triage::Role;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Add a user (or reset an existing user's password and role).
    Add {
        name: String,
        /// xem (read), ra-soat (triage), quan-tri (manage users, re-run reviews).
        #[arg(long, value_parser = ["xem", "ra-soat", "quan-tri"])]
        role: String,
        /// Read the password from the first line of standard input instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        data: super::DataDir,
    },
    /// List users and roles.
    List {
        #[command(flatten)]
        data: super::DataDir,
    },
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !from_stdin && stdin.is_terminal() {
        let pw = rpassword::prompt_password("Mật khẩu: ").context("cannot read the password")?;
        let again = rpassword::prompt_password("Nhập lại mật khẩu: ")
            .context("cannot read the password")?;
        anyhow::ensure!(pw == again, "the two passwords differ; nothing was saved");
        return Ok(pw);
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password")?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.cmd {
        Cmd::Add {
            name,
            role,
            password_stdin,
            data,
        } => {
            let role = Role::parse(&role).expect("clap checked the role");
            let pw = read_password(password_stdin)?;
            let mut st = data.store()?;
            st.add_user(&name, role, &pw)?;
            eprintln!(
                "rasoat: user {name} ({}) saved in {}",
                role.as_str(),
                st.path().display()
            );
        }
        Cmd::List { data } => {
            for u in data.store()?.users()? {
                println!("{}\t{}", u.name, u.role.as_str());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
