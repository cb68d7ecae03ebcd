package s3api

// controller serves one operation. It reads the decoded request and returns
// a response value or an error; it never writes HTTP itself.
type controller func(h *handler, req *request) (*response, error)

// operation is a named controller; the name appears in the access log.
type operation struct {
	name string
	run  controller
}

var (
	opListBuckets         = operation{"ListBuckets", (*handler).listBuckets}
	opCreateBucket        = operation{"CreateBucket", (*handler).createBucket}
	opHeadBucket          = operation{"HeadBucket", (*handler).headBucket}
	opDeleteBucket        = operation{"DeleteBucket", (*handler).deleteBucket}
	opGetBucketLocation   = operation{"GetBucketLocation", (*handler).getBucketLocation}
	opGetBucketVersioning = operation{"GetBucketVersioning", (*handler).getBucketVersioning}
	opPutBucketVersioning = operation{"PutBucketVersioning", (*handler).putBucketVersioning}
	opListObjectVersions  = operation{"ListObjectVersions", (*handler).listObjectVersions}
	opListObjects         = operation{"ListObjects", (*handler).listObjectsV1}
	opListObjectsV2       = operation{"ListObjectsV2", (*handler).listObjectsV2}
	opDeleteObjects       = operation{"DeleteObjects", (*handler).deleteObjects}
	opPutObject           = operation{"PutObject", (*handler).putObject}
	opCopyObject          = operation{"CopyObject", (*handler).copyObject}
	opGetObject           = operation{"GetObject", (*handler).getObject}
	opHeadObject          = operation{"HeadObject", (*handler).headObject}
	opDeleteObject        = operation{"DeleteObject", (*handler).deleteObject}
	opGetObjectTagging    = operation{"GetObjectTagging", (*handler).getObjectTagging}
	opPutObjectTagging    = operation{"PutObjectTagging", (*handler).putObjectTagging}
	opDeleteObjectTagging = operation{"DeleteObjectTagging", (*handler).deleteObjectTagging}
	opGetObjectAttributes = operation{"GetObjectAttributes", (*handler).getObjectAttributes}
	opMethodNotAllowed    = operation{"MethodNotAllowed", methodNotAllowed}

	opGetBucketCors           = operation{"GetBucketCors", (*handler).getBucketCors}
	opPutBucketCors           = operation{"PutBucketCors", (*handler).putBucketCors}
	opDeleteBucketCors        = operation{"DeleteBucketCors", (*handler).deleteBucketCors}
	opPreflight               = operation{"PreflightCORS", (*handler).preflight}
	opPostObject              = operation{"PostObject", (*handler).postObject}
	opCreateMultipartUpload   = operation{"CreateMultipartUpload", (*handler).createMultipartUpload}
	opUploadPart              = operation{"UploadPart", (*handler).uploadPart}
	opUploadPartCopy          = operation{"UploadPartCopy", (*handler).uploadPartCopy}
	opCompleteMultipartUpload = operation{"CompleteMultipartUpload", (*handler).completeMultipartUpload}
	opAbortMultipartUpload    = operation{"AbortMultipartUpload", (*handler).abortMultipartUpload}
	opListParts               = operation{"ListParts", (*handler).listParts}
	opListMultipartUploads    = operation{"ListMultipartUploads", (*handler).listMultipartUploads}

	opGetBucketEncryption    = operation{"GetBucketEncryption", (*handler).getBucketEncryption}
	opPutBucketEncryption    = operation{"PutBucketEncryption", (*handler).putBucketEncryption}
	opDeleteBucketEncryption = operation{"DeleteBucketEncryption", (*handler).deleteBucketEncryption}
)

func notImplemented(h *handler, req *request) (*response, error) {
	return nil, errNotImplemented
}

func methodNotAllowed(h *handler, req *request) (*response, error) {
	return nil, errMethodNotAllowed
}
