"""IAM and S3 calls from boto3 clients configured without a region, as the
Ceph s3-tests suite makes them: botocore signs them with an empty scope
region."""
import json
import os
import sys

import boto3

iam = boto3.client(
    "iam",
    region_name="",
    endpoint_url=os.environ["HOARD_URL"],
    aws_access_key_id=os.environ["HOARD_KEY"],
    aws_secret_access_key=os.environ["HOARD_SECRET"],
)
doc = json.dumps({"Version": "2012-10-17",
                  "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
iam.create_user(UserName="noregion")
iam.put_user_policy(UserName="noregion", PolicyName="read", PolicyDocument=doc)
got = iam.get_user_policy(UserName="noregion", PolicyName="read")
if got["PolicyName"] != "read":
    sys.exit("get_user_policy answered %r" % got)
names = iam.list_user_policies(UserName="noregion")["PolicyNames"]
if names != ["read"]:
    sys.exit("list_user_policies answered %r" % names)
s3 = boto3.client(
    "s3",
    region_name="",
    endpoint_url=os.environ["HOARD_URL"],
    aws_access_key_id=os.environ["HOARD_KEY"],
    aws_secret_access_key=os.environ["HOARD_SECRET"],
)
s3.create_bucket(Bucket="noregion")
s3.put_object(Bucket="noregion", Key="k", Body=b"v")
if s3.get_object(Bucket="noregion", Key="k")["Body"].read() != b"v":
    sys.exit("get_object answered other bytes")
print("boto3 iam ok")
