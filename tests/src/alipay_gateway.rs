//! A local stand-in for Alipay's Open Platform gateway, speaking its protocol with its own key
//! pair (test keys only): it verifies the merchant's RSA2 request signatures, answers
//! `alipay.trade.precreate` and `alipay.trade.query` with signed response envelopes, and
//! builds signed asynchronous notifications that tests deliver (or lose, or forge).
//!
//! It is written independently of the server's Alipay code (its own signing, its own HTTP),
//! so a mistake there is not mirrored here.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use shrimp_server::AlipayConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The merchant's (the server's) key pair and the gateway's: test keys, nowhere else used.
pub const APP_PRIVATE_KEY: &str = include_str!("alipay_keys/app_private.pk8.b64");
pub const APP_PUBLIC_KEY: &str = include_str!("alipay_keys/app_public.spki.b64");
pub const GATEWAY_PRIVATE_KEY: &str = include_str!("alipay_keys/gateway_private.pk8.b64");
pub const GATEWAY_PUBLIC_KEY: &str = include_str!("alipay_keys/gateway_public.spki.b64");

pub const APP_ID: &str = "2021004100000001";
pub const SELLER_ID: &str = "2088100000000001";

/// One trade as the gateway sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    pub out_trade_no: String,
    pub trade_no: String,
    pub total_amount: String,
    pub subject: String,
    pub status: String,
    pub notify_url: String,
}

#[derive(Debug, Default)]
struct Book {
    trades: HashMap<String, Trade>,
    next: u64,
    /// Requests refused for a bad signature or app id.
    refused: u64,
}

/// The gateway, listening on loopback until dropped.
#[derive(Debug)]
pub struct AlipayGateway {
    pub url: String,
    book: Arc<Mutex<Book>>,
    key: Arc<RsaKeyPair>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for AlipayGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn der(text: &str) -> anyhow::Result<Vec<u8>> {
    Ok(STANDARD.decode(text.trim())?)
}

/// The PKCS#1 key inside a `SubjectPublicKeyInfo` (`ring` verifies with PKCS#1). The header of
/// a 2048-bit RSA SPKI is 24 bytes: SEQUENCE, `AlgorithmIdentifier`, BIT STRING and its pad.
fn pkcs1_of_spki(spki: &[u8]) -> anyhow::Result<Vec<u8>> {
    let header = [
        0x30, 0x82, 0x01, 0x22, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
        0x01, 0x01, 0x05, 0x00, 0x03, 0x82, 0x01, 0x0f, 0x00,
    ];
    match spki.strip_prefix(&header[..]) {
        Some(key) => Ok(key.to_vec()),
        None => bail!("not a 2048-bit RSA SubjectPublicKeyInfo"),
    }
}

/// `k=v&k=v` over sorted parameters without `sign` (and without `sign_type` unless kept),
/// empty values dropped.
pub fn content(params: &BTreeMap<String, String>, keep_sign_type: bool) -> String {
    let mut parts = Vec::new();
    for (name, value) in params {
        if value.is_empty() || name == "sign" || (name == "sign_type" && !keep_sign_type) {
            continue;
        }
        parts.push(format!("{name}={value}"));
    }
    parts.join("&")
}

/// `SHA256withRSA`, base64.
pub fn rsa2_sign(private_pkcs8_b64: &str, text: &str) -> anyhow::Result<String> {
    let key = RsaKeyPair::from_pkcs8(&der(private_pkcs8_b64)?)
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    sign_with(&key, text)
}

fn sign_with(key: &RsaKeyPair, text: &str) -> anyhow::Result<String> {
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &signature::RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        text.as_bytes(),
        &mut signature,
    )
    .map_err(|error| anyhow::anyhow!("{error}"))?;
    Ok(STANDARD.encode(signature))
}

fn verify_with(public_spki_b64: &str, text: &str, signature: &str) -> bool {
    let (Ok(spki), Ok(signature)) = (der(public_spki_b64), STANDARD.decode(signature)) else {
        return false;
    };
    let Ok(key) = pkcs1_of_spki(&spki) else {
        return false;
    };
    UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, key)
        .verify(text.as_bytes(), &signature)
        .is_ok()
}

impl AlipayGateway {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/gateway.do", listener.local_addr()?);
        let book = Arc::new(Mutex::new(Book::default()));
        let key = Arc::new(
            RsaKeyPair::from_pkcs8(&der(GATEWAY_PRIVATE_KEY)?)
                .map_err(|error| anyhow::anyhow!("{error}"))?,
        );
        let (task_book, task_key) = (book.clone(), key.clone());
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (book, key) = (task_book.clone(), task_key.clone());
                tokio::spawn(async move {
                    if let Err(error) = serve_one(stream, &book, &key).await {
                        eprintln!("alipay gateway: {error:#}");
                    }
                });
            }
        });
        Ok(Self {
            url,
            book,
            key,
            task,
        })
    }

    /// What the server needs to use this gateway.
    pub fn config(&self) -> AlipayConfig {
        AlipayConfig {
            app_id: APP_ID.into(),
            seller_id: SELLER_ID.into(),
            gateway_url: self.url.clone(),
            notify_url: "http://shrimp.test/api/v1/payments/alipay/notify".into(),
            app_private_key: APP_PRIVATE_KEY.into(),
            alipay_public_key: GATEWAY_PUBLIC_KEY.into(),
        }
    }

    pub fn trade(&self, out_trade_no: &str) -> Option<Trade> {
        self.book.lock().ok()?.trades.get(out_trade_no).cloned()
    }

    pub fn refused_requests(&self) -> u64 {
        self.book.lock().map_or(0, |book| book.refused)
    }

    fn set_status(&self, out_trade_no: &str, status: &str) -> anyhow::Result<Trade> {
        let mut book = self.book.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        let trade = book
            .trades
            .get_mut(out_trade_no)
            .context("no such trade at the gateway")?;
        trade.status = status.into();
        Ok(trade.clone())
    }

    /// The buyer scans the QR code: the trade now waits for the buyer to pay.
    pub fn scan(&self, out_trade_no: &str) -> anyhow::Result<()> {
        self.set_status(out_trade_no, "WAIT_BUYER_PAY").map(drop)
    }

    /// The buyer pays; returns the signed `TRADE_SUCCESS` notification (not delivered).
    pub fn pay(&self, out_trade_no: &str) -> anyhow::Result<BTreeMap<String, String>> {
        self.set_status(out_trade_no, "TRADE_SUCCESS")?;
        self.notification(out_trade_no, "TRADE_SUCCESS", &[])
    }

    /// A signed notification about `out_trade_no` with `trade_status`, after applying
    /// `overrides` (signed as they are: for a notification genuinely from this gateway).
    pub fn notification(
        &self,
        out_trade_no: &str,
        trade_status: &str,
        overrides: &[(&str, &str)],
    ) -> anyhow::Result<BTreeMap<String, String>> {
        let trade = self
            .trade(out_trade_no)
            .context("no such trade at the gateway")?;
        let notify_id = {
            let mut book = self.book.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
            book.next += 1;
            format!("notify{:08}", book.next)
        };
        let mut params: BTreeMap<String, String> = [
            ("notify_time", "2026-11-25 17:00:00"),
            ("notify_type", "trade_status_sync"),
            ("notify_id", notify_id.as_str()),
            ("app_id", APP_ID),
            ("charset", "utf-8"),
            ("version", "1.0"),
            ("sign_type", "RSA2"),
            ("trade_no", trade.trade_no.as_str()),
            ("out_trade_no", out_trade_no),
            ("trade_status", trade_status),
            ("total_amount", trade.total_amount.as_str()),
            ("receipt_amount", trade.total_amount.as_str()),
            ("buyer_id", "2088000000000099"),
            ("seller_id", SELLER_ID),
            ("subject", trade.subject.as_str()),
            ("gmt_create", "2026-11-25 16:59:00"),
            ("gmt_payment", "2026-11-25 16:59:58"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (name, value) in overrides {
            params.insert((*name).to_owned(), (*value).to_owned());
        }
        let signature = sign_with(&self.key, &content(&params, false))?;
        params.insert("sign".into(), signature);
        Ok(params)
    }

    /// Posts `params` as Alipay does (form-encoded); returns the status and the body.
    pub async fn deliver(
        notify_url: &str,
        params: &BTreeMap<String, String>,
    ) -> anyhow::Result<(u16, String)> {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        let response = reqwest::Client::new()
            .post(notify_url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body)
            .send()
            .await?;
        Ok((response.status().as_u16(), response.text().await?))
    }
}

async fn serve_one(
    mut stream: TcpStream,
    book: &Mutex<Book>,
    key: &RsaKeyPair,
) -> anyhow::Result<()> {
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut chunk = [0_u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("connection closed mid-request");
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let mut chunk = [0_u8; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            bail!("connection closed mid-body");
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let params: BTreeMap<String, String> =
        form_urlencoded::parse(&buffer[head_end..head_end + length])
            .into_owned()
            .collect();
    let body = answer(&params, book, key)?;
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html;charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await?;
    Ok(())
}

/// The gateway's signed answer to one request.
fn answer(
    params: &BTreeMap<String, String>,
    book: &Mutex<Book>,
    key: &RsaKeyPair,
) -> anyhow::Result<String> {
    let method = params.get("method").cloned().unwrap_or_default();
    let node = format!("{}_response", method.replace('.', "_"));
    let signature_ok = params
        .get("sign")
        .is_some_and(|sign| verify_with(APP_PUBLIC_KEY, &content(params, true), sign));
    let biz: serde_json::Value = params
        .get("biz_content")
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default();
    let mut book = book.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
    let response = if !signature_ok || params.get("app_id").map(String::as_str) != Some(APP_ID) {
        book.refused += 1;
        serde_json::json!({"code": "40002", "msg": "Invalid Arguments",
            "sub_code": "isv.invalid-signature", "sub_msg": "验签出错"})
    } else if params.get("sign_type").map(String::as_str) != Some("RSA2")
        || params.get("charset").map(String::as_str) != Some("utf-8")
        || params.get("version").map(String::as_str) != Some("1.0")
        || params.get("format").map(String::as_str) != Some("JSON")
        || params.get("timestamp").is_none_or(|t| t.len() != 19)
    {
        book.refused += 1;
        serde_json::json!({"code": "40002", "msg": "Invalid Arguments",
            "sub_code": "isv.missing-common-params", "sub_msg": "公共参数错误"})
    } else {
        let out_trade_no = biz["out_trade_no"].as_str().unwrap_or_default().to_owned();
        match method.as_str() {
            "alipay.trade.precreate" => {
                book.next += 1;
                let trade_no = format!("2026112522001{:08}", book.next);
                let trade = Trade {
                    out_trade_no: out_trade_no.clone(),
                    trade_no: trade_no.clone(),
                    total_amount: biz["total_amount"].as_str().unwrap_or_default().into(),
                    subject: biz["subject"].as_str().unwrap_or_default().into(),
                    status: "CREATED".into(),
                    notify_url: params.get("notify_url").cloned().unwrap_or_default(),
                };
                book.trades.insert(out_trade_no.clone(), trade);
                serde_json::json!({"code": "10000", "msg": "Success",
                    "out_trade_no": out_trade_no, "qr_code": format!("https://qr.alipay.test/{trade_no}")})
            }
            "alipay.trade.query" => match book.trades.get(&out_trade_no) {
                // A trade nobody scanned does not exist yet for Alipay's query.
                Some(trade) if trade.status != "CREATED" => serde_json::json!({
                    "code": "10000", "msg": "Success", "trade_no": trade.trade_no,
                    "out_trade_no": trade.out_trade_no, "trade_status": trade.status,
                    "total_amount": trade.total_amount, "buyer_logon_id": "buy***@example.com"}),
                _ => serde_json::json!({"code": "40004", "msg": "Business Failed",
                    "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"}),
            },
            _ => serde_json::json!({"code": "40004", "msg": "Business Failed",
                "sub_code": "isv.invalid-method", "sub_msg": "不存在的方法名"}),
        }
    };
    let node_text = serde_json::to_string(&response)?;
    let signature = sign_with(key, &node_text)?;
    Ok(format!(
        "{{\"{node}\":{node_text},\"sign\":{}}}",
        serde_json::to_string(&signature)?
    ))
}
