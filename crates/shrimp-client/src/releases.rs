//! Releases, covers and the store's front page.

use reqwest::Method;
use shrimp_api::{
    GenreCount, NewRelease, RecentSale, ReleaseDetail, ReleaseView, StoreHome, TrackView,
};

use crate::{Client, Result};

impl Client {
    pub async fn store_home(&self) -> Result<StoreHome> {
        Self::json(self.request(Method::GET, "/store/home")).await
    }

    pub async fn selling_now(&self, limit: u32) -> Result<Vec<RecentSale>> {
        Self::json(
            self.request(Method::GET, "/store/selling-now")
                .query(&[("limit", limit)]),
        )
        .await
    }

    pub async fn genres(&self) -> Result<Vec<GenreCount>> {
        Self::json(self.request(Method::GET, "/genres")).await
    }

    pub async fn releases(&self, limit: u32) -> Result<Vec<ReleaseView>> {
        Self::json(
            self.request(Method::GET, "/releases")
                .query(&[("limit", limit)]),
        )
        .await
    }

    pub async fn release(&self, id: &str) -> Result<ReleaseDetail> {
        Self::json(self.request(Method::GET, &format!("/releases/{id}"))).await
    }

    pub async fn shop_releases(&self, shop_id: &str) -> Result<Vec<ReleaseView>> {
        Self::json(self.request(Method::GET, &format!("/shops/{shop_id}/releases"))).await
    }

    pub async fn create_release(&self, shop_id: &str, release: &NewRelease) -> Result<ReleaseView> {
        Self::json(
            self.request(Method::POST, &format!("/shops/{shop_id}/releases"))
                .json(release),
        )
        .await
    }

    /// A track's cover image bytes (its own or its release's).
    pub async fn track_cover(&self, id: &str) -> Result<bytes::Bytes> {
        let response =
            Self::send(self.request(Method::GET, &format!("/tracks/{id}/cover"))).await?;
        Ok(response.bytes().await?)
    }

    pub async fn release_cover(&self, id: &str) -> Result<bytes::Bytes> {
        let response =
            Self::send(self.request(Method::GET, &format!("/releases/{id}/cover"))).await?;
        Ok(response.bytes().await?)
    }

    pub async fn upload_track_cover(&self, id: &str, image: Vec<u8>) -> Result<TrackView> {
        Self::json(
            self.request(Method::PUT, &format!("/tracks/{id}/cover"))
                .body(image),
        )
        .await
    }

    pub async fn upload_release_cover(&self, id: &str, image: Vec<u8>) -> Result<ReleaseView> {
        Self::json(
            self.request(Method::PUT, &format!("/releases/{id}/cover"))
                .body(image),
        )
        .await
    }
}
