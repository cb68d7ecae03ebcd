package s3api

// Owners in listings. An object belongs to the bucket owner unless another
// account wrote it with ACLs enabled (objectowner.go), and then its owner
// is kept in its ACL document. Reading that document for every listed
// object would double the cost of every listing, so a bucket is marked
// the first time another account comes to own an object in it, and only
// listings of marked buckets look owners up one by one.

const cfgForeignOwners = "foreign-owners"

// markForeign records that req's bucket holds (or is about to hold) an
// object another account owns.
func (h *handler) markForeign(req *request) error {
	docs, err := h.svc.BucketConfigs(req.ctx, req.bucket, cfgForeignOwners)
	if err != nil || docs[0] != nil {
		return err
	}
	return h.svc.PutBucketConfig(req.ctx, req.bucket, cfgForeignOwners, []byte("1"))
}

// listOwners returns the owner of each listed version (vid "" for the
// latest) as listings show it.
func (h *handler) listOwners(req *request) (func(key, vid string) (owner, error), error) {
	bucketOwner := h.bucketOwner(req)
	same := func(string, string) (owner, error) { return bucketOwner, nil }
	if h.cfg.Accounts == nil {
		return same, nil
	}
	docs, err := h.svc.BucketConfigs(req.ctx, req.bucket, cfgForeignOwners)
	if err != nil {
		return nil, err
	}
	if docs[0] == nil {
		return same, nil
	}
	names := map[string]owner{bucketOwner.ID: bucketOwner}
	return func(key, vid string) (owner, error) {
		doc, err := h.svc.ObjectACL(req.ctx, req.bucket, key, vid)
		if err != nil || doc == nil {
			return bucketOwner, err
		}
		id := decodeACL(doc).Owner
		if id == "" {
			return bucketOwner, nil
		}
		if o, ok := names[id]; ok {
			return o, nil
		}
		o := owner{ID: id}
		if a, err := h.accountOf(req.ctx, id); err == nil && a.canonical == id {
			o.DisplayName = a.name
		}
		names[id] = o
		return o, nil
	}, nil
}
