//! Reads settings from environment variables.

use std::env;

pub struct Settings { pub port: u16, pub host: String, pub debug: bool }

pub fn from_env() -> Settings {
    let port = env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);
    let host = env::var("HOST").unwrap_or_else(|_| "127.0.0.1".to_string());
    let debug = matches!(env::var("DEBUG").as_deref(), Ok("1") | Ok("true"));
    Settings { port, host, debug }
}

pub fn describe(s: &Settings) -> String {
    format!("{}:{}{}", s.host, s.port, if s.debug {" (debug)"} else {""})
}
