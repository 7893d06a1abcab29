//! The `api` executable as people run it: `api serve` on an empty folder,
//! `api seed`, `api --help` and `api token`. One test binary, apart from
//! the black-box suite in `tests/`, because only this package's tests get
//! the path of its binary (`CARGO_BIN_EXE_api`).

mod serve_binary;
mod token_command;
