//! A headless Chromium for the browser tests: Debian's chromedriver on a
//! free loopback port, one browser session over it (fantoccini), and both
//! ended when the `Browser` is dropped, also when a test fails.
//!
//! Missing Chromium or chromedriver skips a browser test with a message,
//! except under `CI=true`, where it fails: CI must never pass by skipping
//! (`.ci/run` installs both).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// How long chromedriver may take to say it listens.
const DRIVER_START: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub(crate) struct Browser {
    pub(crate) client: Client,
    _driver: Driver,
}

impl Browser {
    /// A browser whose window is `width` × `height` CSS pixels. `None`, with
    /// a message, when Chromium or chromedriver is not installed (outside
    /// CI).
    pub(crate) async fn start(width: u32, height: u32) -> Option<Browser> {
        if let Some(missing) = [CHROMEDRIVER, CHROMIUM]
            .into_iter()
            .find(|tool| !Path::new(tool).exists())
        {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but {missing} is not installed: the browser test must run in CI");
            }
            eprintln!(
                "skipping a browser test: {missing} is not installed \
                 (apt-get install chromium chromium-driver)"
            );
            return None;
        }
        let driver = Driver::start();
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    // Root in a container: Chromium's sandbox cannot start.
                    "--no-sandbox",
                    "--disable-gpu",
                    // /dev/shm is small in containers; use /tmp instead.
                    "--disable-dev-shm-usage",
                    format!("--window-size={width},{height}"),
                    "--lang=sv-SE",
                ],
            }),
        );
        // chromedriver listens on loopback only: plain HTTP, no TLS needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("chromedriver opens a Chromium session");
        Some(Browser {
            client,
            _driver: driver,
        })
    }
}

/// The chromedriver process.
#[derive(Debug)]
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let mut child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
        // Wait for chromedriver's own "started successfully" line, then keep
        // reading its output so that a full pipe never blocks it.
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines().map_while(Result::ok);
            let mut seen = Vec::new();
            let mut ready = false;
            for line in lines.by_ref() {
                if line.contains("started successfully") {
                    ready = true;
                    break;
                }
                seen.push(line);
            }
            let _ = ready_tx.send(if ready { Ok(()) } else { Err(seen.join("\n")) });
            lines.for_each(drop);
        });
        let mut driver = Driver { child, port };
        match ready_rx.recv_timeout(DRIVER_START) {
            Ok(Ok(())) => driver,
            Ok(Err(output)) => {
                let status = driver.child.wait().ok();
                panic!("chromedriver exited ({status:?}) before listening:\n{output}");
            }
            Err(_) => panic!("chromedriver did not listen on port {port} within {DRIVER_START:?}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // `/shutdown` makes chromedriver quit its sessions (and so their
        // browsers) before it exits; killing it alone could leave a
        // Chromium behind when a test fails before closing its session.
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = write!(
                stream,
                "GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.port
            );
            let _ = stream.read_to_end(&mut Vec::new());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on now (the OS picks it).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}
