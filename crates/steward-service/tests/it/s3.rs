//! A lake in S3-compatible object storage: a real moto server on loopback,
//! started by the test.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};

use crate::harness::{World, column};
use crate::lake::write_lake;

struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_available() -> bool {
    Command::new("python3")
        .args(["-c", "import moto.server"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn start_moto() -> Option<Moto> {
    if !moto_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "moto[server] must be installed under CI (scripts/bootstrap installs it)"
        );
        eprintln!("skipping S3 test: python3 -m moto.server is not available");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto");
    let moto = Moto { child, port };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "moto did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(moto)
}

/// moto accepts an unsigned `PUT /bucket` to create a bucket.
fn create_bucket(port: u16, bucket: &str) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
}

#[tokio::test]
async fn a_lake_in_s3_is_scanned_like_a_local_one() {
    let Some(moto) = start_moto() else { return };
    create_bucket(moto.port, "lake");
    let endpoint = format!("http://127.0.0.1:{}", moto.port);
    let store = AmazonS3Builder::new()
        .with_bucket_name("lake")
        .with_endpoint(&endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_skip_signature(true)
        .build()
        .unwrap();

    let w = World::new().await;
    let local = w.path("staging-area");
    write_lake(&local).await;
    let mut uploaded = 0;
    let mut stack = vec![local.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let key = format!("warehouse/{}", path.strip_prefix(&local).unwrap().display());
                store
                    .put(
                        &ObjectPath::from(key),
                        PutPayload::from(std::fs::read(&path).unwrap()),
                    )
                    .await
                    .unwrap();
                uploaded += 1;
            }
        }
    }
    assert!(uploaded >= 4);

    // Signed requests, as against a real S3. moto takes any credentials, so the
    // source reads them from env vars cargo sets for every test run.
    let signed = [
        ("endpoint", endpoint.as_str()),
        ("region", "us-east-1"),
        ("access_key_id_env", "CARGO_PKG_NAME"),
        ("secret_access_key_env", "CARGO_PKG_NAME"),
    ];
    w.add("s3lake", "s3://lake/warehouse", &signed).await;
    let (report, events) = w.scan("s3lake").await;
    assert!(!report.partial, "{events:#?}");
    assert_eq!(report.sources[0].scanned, 3);
    let orders = w.detail("s3lake.raw.orders").await;
    assert_eq!(orders.table.partition_columns, ["dt"]);
    assert_eq!(orders.table.row_count, Some(3));
    let customers = w.detail("s3lake.raw.customers").await;
    assert_eq!(customers.table.row_count, Some(5));
    let email = column(&customers, "email").profile.clone().unwrap();
    assert_eq!(email.null_count, 1);
    let events_table = w.detail("s3lake.events").await;
    assert_eq!(events_table.table.row_count, Some(6));

    // A wrong bucket is an unreachable source, not a crash.
    w.add(
        "nobucket",
        "s3://missing/x",
        &[("endpoint", &endpoint), ("anonymous", "true")],
    )
    .await;
    let (report, _) = w.scan("nobucket").await;
    assert!(report.partial);
    assert!(report.sources[0].error.is_some());
}
