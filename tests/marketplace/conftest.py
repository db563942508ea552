"""Fixtures for the infrastructure tests: a real S3 server (moto), a clean cache."""

import os
import uuid

import boto3
import pytest
from django.core.cache import cache

S3_REGION = "ca-central-1"


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters live in the (Redis) cache, which outlives a test: start each test from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def s3_endpoint():
    endpoint = os.environ.get("TEST_S3_ENDPOINT_URL")
    if not endpoint:
        pytest.fail("TEST_S3_ENDPOINT_URL must point at an S3 server (make test starts moto's server mode).")
    return endpoint


@pytest.fixture
def s3_bucket(settings, s3_endpoint):
    """A fresh bucket on the S3 server, with STORAGES switched to it the way production settings do."""
    bucket = f"test-{uuid.uuid4().hex[:16]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=S3_REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = S3_REGION
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_DEFAULT_ACL = None
    settings.PRIVATE_MEDIA_URL_EXPIRY = 300
    # Last: changing STORAGES drops the storage instances, which are rebuilt from the settings above.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "marketplace.storage.PublicS3Storage"},
        "public": {"BACKEND": "marketplace.storage.PublicS3Storage"},
        "private": {"BACKEND": "marketplace.storage.PrivateS3Storage"},
    }
    yield client, bucket
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)
