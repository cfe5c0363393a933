//! HTTP clients for `aws-sdk-dynamodb` (and `aws-sdk-dynamodbstreams`, which shares the HTTP
//! layer): one that hands requests to the engine in-process, and a plain-HTTP one over hyper (the
//! SDK's default client needs TLS crates we do not build).

use std::sync::Arc;

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector as TcpConnector, Client};
use hyper_util::rt::TokioExecutor;

use crate::engine::Engine;

fn config(endpoint: &str, http: SharedHttpClient) -> aws_sdk_dynamodb::Config {
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "dynamodb-emulator"))
        .endpoint_url(endpoint)
        .http_client(http)
        .build()
}

pub fn in_process_client(engine: Arc<Engine>) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(config("http://in-process", SharedHttpClient::new(InProcess { engine })))
}

/// A DynamoDB Streams client on the same in-process connector.
pub fn in_process_streams_client(engine: Arc<Engine>) -> aws_sdk_dynamodbstreams::Client {
    use aws_sdk_dynamodbstreams::config;
    let conf = config::Config::builder()
        .behavior_version(config::BehaviorVersion::latest())
        .region(config::Region::new("us-east-1"))
        .credentials_provider(config::Credentials::new(
            "test",
            "test",
            None,
            None,
            "dynamodb-emulator",
        ))
        .endpoint_url("http://in-process")
        .http_client(SharedHttpClient::new(InProcess { engine }))
        .build();
    aws_sdk_dynamodbstreams::Client::from_conf(conf)
}

pub fn socket_client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let client = Client::builder(TokioExecutor::new()).build_http();
    aws_sdk_dynamodb::Client::from_conf(config(endpoint, SharedHttpClient::new(Socket { client })))
}

/// Answers SDK requests by calling the engine directly.
#[derive(Clone)]
struct InProcess {
    engine: Arc<Engine>,
}

impl std::fmt::Debug for InProcess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InProcess")
    }
}

impl HttpConnector for InProcess {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let mut latency = None;
        let result = (|| {
            let request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::other(e.into(), None))?;
            let (parts, body) = request.into_parts();
            let bytes = Bytes::copy_from_slice(body.bytes().unwrap_or_default());
            let response = self.engine.handle(&http::Request::from_parts(parts, bytes));
            latency = response.extensions().get::<crate::chaos::Latency>().copied();
            HttpResponse::try_from(response.map(SdkBody::from)).map_err(|e| ConnectorError::other(e.into(), None))
        })();
        match latency {
            // Chaos latency: the answer waits on the caller's runtime timer, holding no thread.
            Some(crate::chaos::Latency(latency)) => HttpConnectorFuture::new(async move {
                tokio::time::sleep(latency).await;
                result
            }),
            None => HttpConnectorFuture::ready(result),
        }
    }
}

impl HttpClient for InProcess {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// Plain HTTP/1.1 over TCP with connection reuse.
#[derive(Clone, Debug)]
struct Socket {
    client: Client<TcpConnector, Full<Bytes>>,
}

impl HttpConnector for Socket {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let client = self.client.clone();
        HttpConnectorFuture::new(async move {
            let request = request
                .try_into_http1x()
                .map_err(|e| ConnectorError::other(e.into(), None))?;
            let (parts, body) = request.into_parts();
            let bytes = Bytes::copy_from_slice(body.bytes().unwrap_or_default());
            let response = client
                .request(http::Request::from_parts(parts, Full::new(bytes)))
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            let (parts, body) = response.into_parts();
            let bytes = body
                .collect()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?
                .to_bytes();
            HttpResponse::try_from(http::Response::from_parts(parts, SdkBody::from(bytes)))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}

impl HttpClient for Socket {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}
