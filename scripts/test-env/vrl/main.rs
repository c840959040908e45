// `vrl [-p program.vrl] [-i events.ndjson] [-o] [-z tz]`: the vrl crate's own runner with its full stdlib.
use clap::Parser;

fn main() {
    std::process::exit(vrl::cli::cmd(&vrl::cli::Opts::parse(), vrl::stdlib::all()));
}
