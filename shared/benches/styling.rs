//! How long XEP-0393 styling takes to parse 256 KB bodies of each hostile
//! shape, and of ordinary prose: the parse is linear, so each should take
//! about as long as the prose. Printed in ms, median of the rounds.
//!
//! `cargo bench -p parlons-shared --bench styling`.

use std::hint::black_box;
use std::time::Instant;

use parlons_shared::styling::parse;

const SIZE: usize = 256 * 1024;
const ROUNDS: usize = 9;

/// `unit` repeated up to about 256 KB.
fn fill(unit: &str) -> String {
    unit.repeat(SIZE / unit.len().max(1))
}

fn main() {
    let shapes = [
        (
            "ordinary prose",
            fill("Let's meet at *noon* by the _old_ bridge, see https://example.org/map.\n"),
        ),
        ("deep quotes", fill(">")),
        ("quoted lines", fill("> > > > > > > > > > > > a\n")),
        ("unclosed openers", fill("*a ")),
        ("mixed openers", fill("*a _b ~c `d ")),
        ("one long word", fill("w")),
        (
            "nested spans",
            format!("{}x{}", "*_~".repeat(SIZE / 6), "~_*".repeat(SIZE / 6)),
        ),
        ("a fence never closed", format!("```\n{}", fill("``` *a\n"))),
    ];
    println!("{:<22} {:>9}", "body (256 KB)", "parse ms");
    for (name, body) in &shapes {
        let mut times: Vec<f64> = (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                black_box(parse(black_box(body)));
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!("{name:<22} {:>9.2}", times[ROUNDS / 2]);
    }
}
