//! docs/proxy.md as a reader uses it: the pricing policy's example is the demo file and
//! a proxy starts on it; the "proxy against the sandbox by hand" recipe is the script
//! `docs/examples/proxy-by-hand.sh`, quoted verbatim, and runs (on the test build's
//! binaries and free ports) to the worked check's 604.93.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::hooks::free_port;
use crate::helpers::*;
use crate::startup::starts_on_the_demo_policy;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first fenced block of `lang` after the heading line `heading` in docs/proxy.md.
fn fenced(heading: &str, lang: &str) -> String {
    let doc = read("docs/proxy.md");
    let at = doc
        .lines()
        .position(|l| l == heading)
        .unwrap_or_else(|| panic!("no heading {heading:?} in docs/proxy.md"));
    let mut lines = doc.lines().skip(at + 1);
    let open = format!("```{lang}");
    lines
        .by_ref()
        .find(|l| *l == open)
        .unwrap_or_else(|| panic!("no ```{lang} block under {heading:?}"));
    let body: Vec<&str> = lines.take_while(|l| *l != "```").collect();
    body.join("\n") + "\n"
}

#[test]
fn the_policy_example_is_the_demo_file_and_the_proxy_starts_on_it() {
    let example = fenced("### Example: `crates/proxy/policy.demo.toml`", "toml");
    assert_eq!(
        example,
        read("crates/proxy/policy.demo.toml"),
        "quoted verbatim"
    );
    let copy = tmp_dir("policy-example").join("policy.toml");
    std::fs::write(&copy, &example).unwrap();
    starts_on_the_demo_policy(&copy.display().to_string());
}

#[test]
fn the_by_hand_recipe_is_quoted_and_runs() {
    let script = read("docs/examples/proxy-by-hand.sh");
    let quoted = fenced("## The proxy against the sandbox by hand", "bash");
    assert_eq!(quoted, script, "docs/proxy.md quotes the script verbatim");
    // The test build's binaries (already built, with the fixed clock) and free ports.
    let bin_dir = std::path::Path::new(BIN)
        .parent()
        .unwrap()
        .display()
        .to_string();
    let (sandbox_port, proxy_port) = (free_port().to_string(), free_port().to_string());
    let run: String = script
        .lines()
        .filter(|l| !l.starts_with("cargo build"))
        .map(|l| {
            l.replace("target/release", &bin_dir)
                .replace("8081", &sandbox_port)
                .replace("8080", &proxy_port)
                + "\n"
        })
        .collect();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(&run)
        .current_dir(ROOT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("bash");
    let end = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() && Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
    }
    if child.try_wait().unwrap().is_none() {
        // Hung: the script's group, its background sandbox and proxy with it.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .status();
    }
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let answers: Vec<Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), 2, "a summary and a preview: {stdout}");
    let (summary, preview) = (&answers[0], &answers[1]);
    assert_eq!(summary["today"], TODAY, "{summary}");
    assert_eq!(summary["items"][0]["quantity"], 1, "{summary}");
    assert_eq!(preview["alignment"]["gross"], "604.93", "{preview}");
    assert_eq!(preview["alignment"]["net"], "508.34", "{preview}");
    assert_eq!(preview["nextBilling"]["gross"], "2400.00", "{preview}");
    assert!(preview["quoteToken"].as_str().is_some(), "{preview}");
}
