//! [`PgConnect`]: how the store and the shared budget reach PostgreSQL — the connection
//! settings of `SEATQUOTE_DATABASE_URL` and TLS as its `sslmode` and `sslrootcert` say,
//! with libpq's meanings (docs/proxy.md, "Several replicas"):
//!
//! | `sslmode` | TLS | the server's certificate |
//! |---|---|---|
//! | `disable` | never | — |
//! | `prefer` (default) | when the server offers it | not checked |
//! | `require` | always | not checked |
//! | `verify-ca` | always | signed by a trusted CA |
//! | `verify-full` | always | signed by a trusted CA and naming the host |
//!
//! The trusted CAs are the PEM file `sslrootcert` names, else the Mozilla roots compiled
//! in (`webpki-roots`: a managed service with a public CA needs no file). TLS is rustls
//! (ring) through `tokio-postgres-rustls`, with channel binding when the server asks.

use std::str::FromStr;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore};
use tokio_postgres_rustls::MakeRustlsConnect;

/// The TLS connector every PostgreSQL connection of the proxy is made with.
pub type Tls = MakeRustlsConnect;

/// `sslmode`: whether and how the connection to PostgreSQL is encrypted (module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it, the certificate not checked (libpq's default).
    Prefer,
    /// Always TLS, the certificate not checked.
    Require,
    /// Always TLS, the certificate signed by a trusted CA.
    VerifyCa,
    /// Always TLS, the certificate signed by a trusted CA and valid for the host.
    VerifyFull,
}

impl SslMode {
    /// The spelling in a URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Disable => "disable",
            Self::Prefer => "prefer",
            Self::Require => "require",
            Self::VerifyCa => "verify-ca",
            Self::VerifyFull => "verify-full",
        }
    }

    fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "disable" => Self::Disable,
            "prefer" => Self::Prefer,
            "require" => Self::Require,
            "verify-ca" => Self::VerifyCa,
            "verify-full" => Self::VerifyFull,
            other => {
                return Err(format!(
                    "has sslmode={other}; it must be disable, prefer, require, verify-ca or verify-full"
                ))
            }
        })
    }
}

/// The connection settings and the TLS connector of the PostgreSQL store (and of the
/// shared upstream budget, on the same database).
#[derive(Clone)]
pub struct PgConnect {
    /// The settings, `sslmode` and `sslrootcert` taken out (the client knows neither
    /// `verify-*` nor `sslrootcert`; the connector does the checking).
    pub config: postgres::Config,
    /// The connector, checking the server's certificate as `mode` says.
    pub tls: Tls,
    /// The `sslmode` asked for.
    pub mode: SslMode,
}

impl std::fmt::Debug for PgConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConnect")
            .field("hosts", &self.config.get_hosts())
            .field("dbname", &self.config.get_dbname())
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl FromStr for PgConnect {
    type Err = String;

    /// A `postgres://` URL with optional `sslmode` and `sslrootcert` query parameters; the
    /// CA file is read now. The error never repeats the URL (it may hold a password).
    fn from_str(url: &str) -> Result<Self, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut mode, mut root_file) = (SslMode::Prefer, None);
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded = || -> String {
                url::form_urlencoded::parse(format!("v={v}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            match k {
                "sslmode" => mode = SslMode::parse(&decoded())?,
                "sslrootcert" => root_file = Some(decoded()),
                "sslcert" | "sslkey" | "sslpassword" => {
                    return Err(format!(
                    "has {k}; client certificates are not supported (authenticate with a password)"
                ))
                }
                _ => rest.push(pair),
            }
        }
        let plain = if rest.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", rest.join("&"))
        };
        let mut config: postgres::Config = plain
            .parse()
            .map_err(|e| {
                format!("is not a valid PostgreSQL URL ({e}); it must look like postgres://user:password@host:port/database")
            })?;
        let roots = match &root_file {
            Some(path) => Some(
                std::fs::read(path)
                    .map_err(|e| format!("names sslrootcert={path}, which cannot be read: {e}"))?,
            ),
            None => None,
        };
        config.ssl_mode(match mode {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Prefer => postgres::config::SslMode::Prefer,
            _ => postgres::config::SslMode::Require,
        });
        let tls = connector(mode, roots.as_deref(), root_file.as_deref())?;
        Ok(Self { config, tls, mode })
    }
}

/// The rustls connector for `mode`, trusting the CAs of `roots` (PEM) when given.
fn connector(mode: SslMode, roots: Option<&[u8]>, file: Option<&str>) -> Result<Tls, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot be used with TLS: {e}"))?;
    let config = match mode {
        SslMode::Disable | SslMode::Prefer | SslMode::Require => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unchecked(provider)))
            .with_no_client_auth(),
        SslMode::VerifyCa | SslMode::VerifyFull => {
            let store = root_store(roots, file)?;
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
                .build()
                .map_err(|e| format!("cannot check certificates: {e}"))?;
            let verifier: Arc<dyn ServerCertVerifier> = if mode == SslMode::VerifyCa {
                Arc::new(ChainOnly(webpki))
            } else {
                webpki
            };
            builder
                .dangerous()
                .with_custom_certificate_verifier(verifier)
                .with_no_client_auth()
        }
    };
    Ok(MakeRustlsConnect::new(config))
}

/// The trusted CAs: every certificate of the PEM file, else the Mozilla roots.
fn root_store(pem: Option<&[u8]>, file: Option<&str>) -> Result<RootCertStore, String> {
    let mut store = RootCertStore::empty();
    let Some(pem) = pem else {
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(store);
    };
    let name = file.unwrap_or_default();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| format!("names sslrootcert={name}, not PEM: {e}"))?;
        store
            .add(cert)
            .map_err(|e| format!("names sslrootcert={name}, holding an unusable CA: {e}"))?;
    }
    if store.is_empty() {
        return Err(format!(
            "names sslrootcert={name}, which holds no PEM certificate"
        ));
    }
    Ok(store)
}

/// `prefer` and `require`: the connection is encrypted, the certificate not checked (the
/// handshake's signatures still are: the server holds the key of the certificate it sent).
#[derive(Debug)]
struct Unchecked(Arc<CryptoProvider>);

impl ServerCertVerifier for Unchecked {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a trusted CA; the host name is not compared.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}
