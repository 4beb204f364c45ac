//! The `orgspace` binary: parses the command line and runs it.

use clap::Parser;

/// mimalloc, not the C library's allocator: glibc kept each password hash's
/// 19 MiB of Argon2 memory in the heap of the thread that computed it after it
/// was freed (its mmap threshold rises to the largest block freed), so every
/// sign-in on another blocking thread added about 19 MB of RSS for good
/// (`bench/README.md`, "Memory after sign-ins"); mimalloc gives freed large
/// blocks back to the system.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into()),
        )
        .init();
    let cli = orgspace_server::config::Cli::parse();
    match orgspace_server::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("orgspace: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
