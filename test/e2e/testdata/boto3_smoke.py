"""Put, get, list and delete with boto3 and its default checksum behaviour.

Run by boto3_test.go with HOARD_URL, HOARD_KEY, HOARD_SECRET and HOARD_BUCKET
in the environment. Exits non-zero (with a traceback) on the first failure.
"""
import hashlib
import io
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

s3 = boto3.client(
    "s3",
    endpoint_url=os.environ["HOARD_URL"],
    aws_access_key_id=os.environ["HOARD_KEY"],
    aws_secret_access_key=os.environ["HOARD_SECRET"],
    region_name="us-east-1",
    # No retries and a short read timeout: a failure or a hang must show.
    config=Config(
        retries={"max_attempts": 1, "mode": "standard"},
        s3={"addressing_style": "path"},
        read_timeout=15,
    ),
)
bucket = os.environ["HOARD_BUCKET"]


def check(cond, what):
    if not cond:
        sys.exit("boto3 check failed: " + what)


def no_retry(resp, what):
    # Retries are off; a retry here means botocore met a response it could
    # not parse and silently sent the request again.
    attempts = resp["ResponseMetadata"].get("RetryAttempts", 0)
    check(attempts == 0, "%s needed %d hidden retries" % (what, attempts))
    return resp


no_retry(s3.create_bucket(Bucket=bucket), "create_bucket")
bodies = {
    "empty": b"",
    "small.txt": b"hello from boto3\n",
    "dir/one-mib.bin": os.urandom(1 << 20),
}
for key, body in bodies.items():
    no_retry(s3.put_object(Bucket=bucket, Key=key, Body=body, Metadata={"origin": "boto3"}), "put " + key)
no_retry(s3.put_object(Bucket=bucket, Key="sha256.bin", Body=b"x" * 70000, ChecksumAlgorithm="SHA256"), "put sha256.bin")
bodies["sha256.bin"] = b"x" * 70000

for key, body in bodies.items():
    got = no_retry(s3.get_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED"), "get " + key)
    data = got["Body"].read()
    check(hashlib.sha256(data).digest() == hashlib.sha256(body).digest(), "content of " + key)
    check(got["ContentLength"] == len(body), "length of " + key)
# upload_fileobj / download_fileobj switch to multipart upload and ranged
# GETs above the threshold: 12 MiB in 5 MiB parts.
big = os.urandom(12 << 20)
xfer = TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
s3.upload_fileobj(io.BytesIO(big), bucket, "multipart.bin", Config=xfer)
out = io.BytesIO()
s3.download_fileobj(bucket, "multipart.bin", out, Config=xfer)
check(out.getvalue() == big, "multipart object content")
check(s3.head_object(Bucket=bucket, Key="multipart.bin")["ETag"].endswith('-3"'), "multipart ETag")
bodies["multipart.bin"] = big

head = s3.head_object(Bucket=bucket, Key="small.txt")
check(head["Metadata"].get("origin") == "boto3", "metadata %r" % head["Metadata"])

listed = s3.list_objects_v2(Bucket=bucket)
keys = sorted(o["Key"] for o in listed.get("Contents", []))
check(keys == sorted(bodies), "listing %r" % keys)
sizes = {o["Key"]: o["Size"] for o in listed["Contents"]}
check(all(sizes[k] == len(b) for k, b in bodies.items()), "listed sizes %r" % sizes)

for key in bodies:
    no_retry(s3.delete_object(Bucket=bucket, Key=key), "delete " + key)
check(s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0, "bucket not empty after deletes")
s3.delete_bucket(Bucket=bucket)
print("boto3 smoke ok")
