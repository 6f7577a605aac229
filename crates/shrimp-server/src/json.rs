//! A JSON body extractor whose rejections speak `{code, message}`.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::error::{ServerError, from_rejection};

/// Like `axum::Json`, but bad bodies answer with our error shape.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ServerError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(request, state)
            .await
            .map(|axum::Json(value)| Self(value))
            .map_err(|rejection| from_rejection(&rejection))
    }
}
