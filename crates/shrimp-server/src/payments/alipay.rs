//! The Alipay Open Platform provider for desktop checkout (当面付 precreate: the app shows a QR
//! code, the buyer scans it with the Alipay app).
//!
//! The protocol, as implemented here:
//! - **Requests** are form posts to the gateway with the common parameters `app_id`, `method`,
//!   `format=JSON`, `charset=utf-8`, `sign_type=RSA2`, `timestamp` (`yyyy-MM-dd HH:mm:ss`,
//!   Beijing time), `version=1.0`, `notify_url` and a JSON `biz_content`. The signature is
//!   `SHA256withRSA` over every parameter except `sign`, empty values dropped, sorted by name,
//!   joined as `name=value&…` with raw (not URL-encoded) values — `sign_type` included.
//! - **Responses** are `{"<method with _>_response": {...}, "sign": "..."}`; the signature is
//!   over the exact text of the response object, checked with Alipay's public key.
//!   `code` `10000` is success.
//! - **Notifications** are form posts to `notify_url`; the signature covers every parameter
//!   but `sign` and `sign_type`. The server then checks `app_id`, `seller_id`, the trade and
//!   its `total_amount`, and replies with the literal `success`.
//!
//! Keys come from configuration (a file or the environment), never from the repository.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::rand::SystemRandom;
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::value::RawValue;
use shrimp_domain::Fen;

use super::{
    BoxFuture, Notification, NotificationError, PaymentError, PaymentProvider, PaymentRequest,
    PaymentStart, TradeState,
};

/// Where and who the merchant is on Alipay. `Debug` never shows the private key.
#[derive(Clone, Deserialize)]
pub struct AlipayConfig {
    pub app_id: String,
    /// The merchant's Alipay user id (`2088…`), checked on every notification.
    pub seller_id: String,
    /// `https://openapi.alipay.com/gateway.do` in production.
    pub gateway_url: String,
    /// This server's public address of `POST /api/v1/payments/alipay/notify`.
    pub notify_url: String,
    /// The app's private key: base64 DER, PKCS#8 or PKCS#1.
    pub app_private_key: String,
    /// Alipay's public key: base64 DER `SubjectPublicKeyInfo`, as the console shows it.
    pub alipay_public_key: String,
}

impl std::fmt::Debug for AlipayConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlipayConfig")
            .field("app_id", &self.app_id)
            .field("seller_id", &self.seller_id)
            .field("gateway_url", &self.gateway_url)
            .field("notify_url", &self.notify_url)
            .field("app_private_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl AlipayConfig {
    /// Reads a JSON file with the fields of this struct.
    pub fn from_file(path: &Path) -> Result<Self, PaymentError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| PaymentError::Config(format!("{}: {error}", path.display())))?;
        serde_json::from_str(&text)
            .map_err(|error| PaymentError::Config(format!("{}: {error}", path.display())))
    }

    /// Reads `SHRIMP_ALIPAY_APP_ID`, `_SELLER_ID`, `_GATEWAY_URL`, `_NOTIFY_URL`,
    /// `_APP_PRIVATE_KEY` and `_PUBLIC_KEY` (each key also as `…_FILE`, a path to read).
    pub fn from_env() -> Result<Self, PaymentError> {
        fn var(name: &str) -> Result<String, PaymentError> {
            let key = format!("SHRIMP_ALIPAY_{name}");
            if let Ok(value) = std::env::var(&key) {
                return Ok(value.trim().to_owned());
            }
            if let Ok(path) = std::env::var(format!("{key}_FILE")) {
                return std::fs::read_to_string(&path)
                    .map(|text| text.trim().to_owned())
                    .map_err(|error| PaymentError::Config(format!("{path}: {error}")));
            }
            Err(PaymentError::Config(format!("{key} is not set")))
        }
        Ok(Self {
            app_id: var("APP_ID")?,
            seller_id: var("SELLER_ID")?,
            gateway_url: var("GATEWAY_URL")?,
            notify_url: var("NOTIFY_URL")?,
            app_private_key: var("APP_PRIVATE_KEY")?,
            alipay_public_key: var("PUBLIC_KEY")?,
        })
    }
}

/// Pays through Alipay's precreate (QR code) flow.
#[derive(Debug)]
pub struct AlipayProvider {
    config: AlipayConfig,
    key: RsaKeyPair,
    /// Alipay's key as a PKCS#1 `RSAPublicKey`, which is what ring verifies with.
    alipay_key: Vec<u8>,
    http: reqwest::Client,
}

impl AlipayProvider {
    pub fn new(config: AlipayConfig) -> Result<Self, PaymentError> {
        let key = private_key(&config.app_private_key)?;
        let alipay_key = public_key(&config.alipay_public_key)?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|error| PaymentError::Config(error.to_string()))?;
        Ok(Self {
            config,
            key,
            alipay_key,
            http,
        })
    }

    /// The signed parameters of a request to `method`.
    fn signed_params(
        &self,
        method: &str,
        biz_content: &serde_json::Value,
    ) -> BTreeMap<String, String> {
        let mut params = BTreeMap::new();
        params.insert("app_id".to_owned(), self.config.app_id.clone());
        params.insert("method".to_owned(), method.to_owned());
        params.insert("format".to_owned(), "JSON".to_owned());
        params.insert("charset".to_owned(), "utf-8".to_owned());
        params.insert("sign_type".to_owned(), "RSA2".to_owned());
        params.insert("timestamp".to_owned(), beijing_timestamp(now_ms()));
        params.insert("version".to_owned(), "1.0".to_owned());
        params.insert("notify_url".to_owned(), self.config.notify_url.clone());
        params.insert("biz_content".to_owned(), biz_content.to_string());
        let signature = sign(&self.key, &signing_content(&params, true));
        params.insert("sign".to_owned(), signature);
        params
    }

    /// Calls `method` and returns its verified response object.
    async fn call(
        &self,
        method: &str,
        biz_content: &serde_json::Value,
    ) -> Result<serde_json::Value, PaymentError> {
        let params = self.signed_params(method, biz_content);
        let body = self
            .http
            .post(&self.config.gateway_url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded;charset=utf-8",
            )
            .body(form_encode(&params))
            .send()
            .await
            .map_err(|error| PaymentError::Transport(error.to_string()))?
            .text()
            .await
            .map_err(|error| PaymentError::Transport(error.to_string()))?;
        let node = format!("{}_response", method.replace('.', "_"));
        let response = verified_response(&body, &node, &self.alipay_key)?;
        serde_json::from_str(response).map_err(|error| PaymentError::BadResponse(error.to_string()))
    }
}

impl PaymentProvider for AlipayProvider {
    fn name(&self) -> &'static str {
        "alipay"
    }

    fn start<'a>(
        &'a self,
        request: PaymentRequest<'a>,
    ) -> BoxFuture<'a, Result<PaymentStart, PaymentError>> {
        Box::pin(async move {
            let biz = serde_json::json!({
                "out_trade_no": request.out_trade_no,
                "total_amount": yuan(request.amount),
                "subject": request.subject,
            });
            let response = self.call("alipay.trade.precreate", &biz).await?;
            refused(&response)?;
            let qr_code = response["qr_code"]
                .as_str()
                .filter(|code| !code.is_empty())
                .ok_or_else(|| PaymentError::BadResponse("no qr_code in the answer".into()))?;
            Ok(PaymentStart::AwaitingBuyer {
                qr_code: qr_code.to_owned(),
            })
        })
    }

    fn query<'a>(
        &'a self,
        out_trade_no: &'a str,
    ) -> BoxFuture<'a, Result<TradeState, PaymentError>> {
        Box::pin(async move {
            let biz = serde_json::json!({ "out_trade_no": out_trade_no });
            let response = self.call("alipay.trade.query", &biz).await?;
            if response["sub_code"].as_str() == Some("ACQ.TRADE_NOT_EXIST") {
                return Ok(TradeState::Unknown);
            }
            refused(&response)?;
            if response["out_trade_no"].as_str() != Some(out_trade_no) {
                return Err(PaymentError::BadResponse(
                    "the answer is about another trade".into(),
                ));
            }
            Ok(
                match response["trade_status"].as_str().unwrap_or_default() {
                    "TRADE_SUCCESS" | "TRADE_FINISHED" => TradeState::Paid {
                        amount: parse_amount(response["total_amount"].as_str().unwrap_or_default())
                            .map_err(PaymentError::BadResponse)?,
                        trade_no: response["trade_no"].as_str().unwrap_or_default().to_owned(),
                    },
                    "TRADE_CLOSED" => TradeState::Closed,
                    _ => TradeState::Waiting,
                },
            )
        })
    }

    fn verify_notification(
        &self,
        params: &BTreeMap<String, String>,
    ) -> Result<Notification, NotificationError> {
        let signature = params.get("sign").ok_or(NotificationError::BadSignature)?;
        if !verify(&self.alipay_key, &signing_content(params, false), signature) {
            return Err(NotificationError::BadSignature);
        }
        let field = |name: &str| {
            params
                .get(name)
                .filter(|value| !value.is_empty())
                .cloned()
                .ok_or_else(|| NotificationError::Malformed(format!("no {name}")))
        };
        let app_id = field("app_id")?;
        if app_id != self.config.app_id {
            return Err(NotificationError::WrongApp(app_id));
        }
        let seller_id = field("seller_id")?;
        if seller_id != self.config.seller_id {
            return Err(NotificationError::WrongSeller(seller_id));
        }
        Ok(Notification {
            notify_id: field("notify_id")?,
            out_trade_no: field("out_trade_no")?,
            trade_no: params.get("trade_no").cloned().unwrap_or_default(),
            trade_status: field("trade_status")?,
            amount: parse_amount(&field("total_amount")?).map_err(NotificationError::Malformed)?,
        })
    }

    fn transfer_request(&self, payout_id: &str, account: &str, amount: Fen) -> String {
        let biz = serde_json::json!({
            "out_biz_no": payout_id,
            "trans_amount": yuan(amount),
            "product_code": "TRANS_ACCOUNT_NO_PWD",
            "biz_scene": "DIRECT_TRANSFER",
            "order_title": "Shrimp payout",
            "payee_info": {"identity": account.trim_start_matches("alipay:"), "identity_type": "ALIPAY_LOGON_ID"},
        });
        form_encode(&self.signed_params("alipay.fund.trans.uni.transfer", &biz))
    }
}

/// A `{code, msg, sub_code, sub_msg}` answer other than `10000` is a refusal.
fn refused(response: &serde_json::Value) -> Result<(), PaymentError> {
    if response["code"].as_str() == Some("10000") {
        return Ok(());
    }
    let text = |name: &str| response[name].as_str().unwrap_or_default().to_owned();
    Err(PaymentError::Refused {
        code: format!("{} {}", text("code"), text("sub_code")),
        message: format!("{} {}", text("msg"), text("sub_msg")),
    })
}

/// The text that is signed: parameters sorted by name, without `sign` (and without
/// `sign_type` unless `keep_sign_type`), empty values dropped, joined as `k=v&k=v`.
pub fn signing_content(params: &BTreeMap<String, String>, keep_sign_type: bool) -> String {
    params
        .iter()
        .filter(|(name, value)| {
            !value.is_empty() && *name != "sign" && (keep_sign_type || *name != "sign_type")
        })
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Finds `node` in a gateway answer, checks the `sign` beside it over the node's exact text,
/// and returns that text.
fn verified_response<'a>(body: &'a str, node: &str, key: &[u8]) -> Result<&'a str, PaymentError> {
    let envelope: BTreeMap<&str, &RawValue> = serde_json::from_str(body)
        .map_err(|error| PaymentError::BadResponse(format!("not a gateway answer: {error}")))?;
    let response = envelope
        .get(node)
        .ok_or_else(|| PaymentError::BadResponse(format!("no {node} in the answer")))?
        .get();
    let signature: String = envelope
        .get("sign")
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .ok_or_else(|| PaymentError::BadResponse("the answer is not signed".into()))?;
    if !verify(key, response, &signature) {
        return Err(PaymentError::BadResponse(
            "the answer's signature does not verify".into(),
        ));
    }
    Ok(response)
}

fn sign(key: &RsaKeyPair, content: &str) -> String {
    let mut signature = vec![0; key.public().modulus_len()];
    match key.sign(
        &signature::RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        content.as_bytes(),
        &mut signature,
    ) {
        Ok(()) => STANDARD.encode(signature),
        Err(error) => {
            // Only a broken key or RNG can get here; the gateway will refuse the request.
            tracing::error!(%error, "RSA signing failed");
            String::new()
        }
    }
}

fn verify(key: &[u8], content: &str, signature: &str) -> bool {
    let Ok(signature) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, key)
        .verify(content.as_bytes(), &signature)
        .is_ok()
}

fn decode_key(text: &str) -> Result<Vec<u8>, PaymentError> {
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .flat_map(|line| line.chars())
        .filter(|c| !c.is_whitespace())
        .collect();
    STANDARD
        .decode(body)
        .map_err(|error| PaymentError::Config(format!("a key is not base64: {error}")))
}

fn private_key(text: &str) -> Result<RsaKeyPair, PaymentError> {
    let der = decode_key(text)?;
    RsaKeyPair::from_pkcs8(&der)
        .or_else(|_| RsaKeyPair::from_der(&der))
        .map_err(|error| PaymentError::Config(format!("the app private key: {error}")))
}

fn public_key(text: &str) -> Result<Vec<u8>, PaymentError> {
    let der = decode_key(text)?;
    spki_to_pkcs1(&der).map(<[u8]>::to_vec).ok_or_else(|| {
        PaymentError::Config("Alipay's public key is not an RSA SubjectPublicKeyInfo".into())
    })
}

/// One DER element at the start of `input`: (tag, contents, rest).
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let length = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let (bytes, after) = rest.split_at(count);
        rest = after;
        bytes
            .iter()
            .fold(0_usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    if rest.len() < length {
        return None;
    }
    let (contents, rest) = rest.split_at(length);
    Some((tag, contents, rest))
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }`: the bit string
/// holds the PKCS#1 `RSAPublicKey`.
fn spki_to_pkcs1(der: &[u8]) -> Option<&[u8]> {
    const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let (0x30, spki, _) = der_element(der)? else {
        return None;
    };
    let (0x30, algorithm, rest) = der_element(spki)? else {
        return None;
    };
    let (0x06, oid, _) = der_element(algorithm)? else {
        return None;
    };
    if oid != RSA_ENCRYPTION {
        return None;
    }
    let (0x03, bits, _) = der_element(rest)? else {
        return None;
    };
    match bits.split_first()? {
        (0, key) => Some(key),
        _ => None,
    }
}

/// `10.00` for ¥10.00.
pub fn yuan(amount: Fen) -> String {
    amount.to_string().trim_start_matches('¥').to_owned()
}

fn parse_amount(text: &str) -> Result<Fen, String> {
    Fen::parse_yuan(text).map_err(|error| error.to_string())
}

/// `application/x-www-form-urlencoded` of `params`.
pub fn form_encode(params: &BTreeMap<String, String>) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8), as the gateway expects.
pub fn beijing_timestamp(unix_ms: i64) -> String {
    let seconds = unix_ms.div_euclid(1000) + 8 * 3600;
    let (year, month, day) = crate::clock::civil_from_days(seconds.div_euclid(86_400));
    let in_day = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: &str = include_str!("testdata/private.pk8.b64");
    const PUBLIC: &str = include_str!("testdata/public.spki.b64");

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn signing_content_sorts_drops_empty_values_and_sign() {
        let p = params(&[
            ("timestamp", "2026-11-25 17:00:00"),
            ("app_id", "2021"),
            ("sign", "xyz"),
            ("sign_type", "RSA2"),
            ("empty", ""),
            ("biz_content", "{\"a\":1}"),
        ]);
        assert_eq!(
            signing_content(&p, true),
            "app_id=2021&biz_content={\"a\":1}&sign_type=RSA2&timestamp=2026-11-25 17:00:00"
        );
        assert_eq!(
            signing_content(&p, false),
            "app_id=2021&biz_content={\"a\":1}&timestamp=2026-11-25 17:00:00"
        );
    }

    #[test]
    fn signs_and_verifies_with_a_key_pair() {
        let key = private_key(PRIVATE).unwrap();
        let public = public_key(PUBLIC).unwrap();
        let signature = sign(&key, "a=1&b=2");
        assert!(verify(&public, "a=1&b=2", &signature));
        assert!(!verify(&public, "a=1&b=3", &signature));
        assert!(!verify(&public, "a=1&b=2", "bm90IGEgc2lnbmF0dXJl"));
    }

    #[test]
    fn response_signature_covers_the_exact_node_text() {
        let key = private_key(PRIVATE).unwrap();
        let public = public_key(PUBLIC).unwrap();
        let node = r#"{"code":"10000","msg":"Success","out_trade_no":"o1","qr_code":"https://qr.alipay.com/x"}"#;
        let body = format!(
            r#"{{"alipay_trade_precreate_response":{node},"sign":"{}"}}"#,
            sign(&key, node)
        );
        assert_eq!(
            verified_response(&body, "alipay_trade_precreate_response", &public).unwrap(),
            node
        );
        let tampered = body.replace("qr.alipay.com/x", "qr.alipay.com/y");
        assert!(verified_response(&tampered, "alipay_trade_precreate_response", &public).is_err());
        let unsigned = format!(r#"{{"alipay_trade_precreate_response":{node}}}"#);
        assert!(verified_response(&unsigned, "alipay_trade_precreate_response", &public).is_err());
    }

    #[test]
    fn timestamps_are_beijing_time() {
        // 2026-11-25T09:00:00Z is 17:00 in Beijing.
        assert_eq!(beijing_timestamp(1_795_597_200_000), "2026-11-25 17:00:00");
        // 2026-12-31T20:30:05Z is already the next year in Beijing.
        assert_eq!(beijing_timestamp(1_798_749_005_000), "2027-01-01 04:30:05");
    }

    #[test]
    fn amounts_are_yuan_with_two_decimals() {
        assert_eq!(yuan(Fen(1000)), "10.00");
        assert_eq!(yuan(Fen(5)), "0.05");
        assert_eq!(parse_amount("10.00"), Ok(Fen(1000)));
    }

    #[test]
    fn config_debug_hides_the_private_key() {
        let config = AlipayConfig {
            app_id: "2021".into(),
            seller_id: "2088".into(),
            gateway_url: "http://127.0.0.1/gateway.do".into(),
            notify_url: "http://127.0.0.1/notify".into(),
            app_private_key: PRIVATE.into(),
            alipay_public_key: PUBLIC.into(),
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains(&PRIVATE[..40]), "{shown}");
        assert!(AlipayProvider::new(config).is_ok());
    }
}
