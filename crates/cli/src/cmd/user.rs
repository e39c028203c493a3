//! `rasoat user add NAME --role xem|ra-soat|quan-tri`: accounts of `rasoat serve`.
use anyhow::Context;
use rasoat_triage::{Role, Store};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
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
        /// Data folder of `rasoat serve`.
        #[arg(long, value_name = "DIR", default_value = ".rasoat")]
        data: PathBuf,
    },
    /// List users and roles.
    List {
        #[arg(long, value_name = "DIR", default_value = ".rasoat")]
        data: PathBuf,
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
            let mut st = Store::open(&data)?;
            st.add_user(&name, role, &pw)?;
            eprintln!(
                "rasoat: user {name} ({}) saved in {}",
                role.as_str(),
                st.path().display()
            );
        }
        Cmd::List { data } => {
            for u in Store::open(&data)?.users()? {
                println!("{}\t{}", u.name, u.role.as_str());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
