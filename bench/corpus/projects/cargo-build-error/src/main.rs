use std::collections::HashMap;
use std::io::{self, Read};

mod count;

fn main() {
    let mut text = String::new();
    io::stdin().read_to_string(&mut text).unwrap();
    let freq: HashMap<String, usize> = count::words(&text);
    let top: u32 = count::top(&freq, 10);
    for (word, n) in top {
        println!("{n:>6} {word}");
    }
}
