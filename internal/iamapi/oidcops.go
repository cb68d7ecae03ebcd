package iamapi

import (
	"github.com/hoard-s3/hoard/internal/iam"
)

func init() {
	for name, op := range map[string]opFunc{
		"CreateOpenIDConnectProvider": createOIDCProvider, "GetOpenIDConnectProvider": getOIDCProvider,
		"ListOpenIDConnectProviders": listOIDCProviders, "DeleteOpenIDConnectProvider": deleteOIDCProvider,
		"AddClientIDToOpenIDConnectProvider": updateOIDC(func(p *iam.OIDCProvider, c *call) error {
			p.ClientIDs = append(p.ClientIDs, c.get("ClientID"))
			return nil
		}),
		"RemoveClientIDFromOpenIDConnectProvider": updateOIDC(func(p *iam.OIDCProvider, c *call) error {
			var keep []string
			for _, id := range p.ClientIDs {
				if id != c.get("ClientID") {
					keep = append(keep, id)
				}
			}
			p.ClientIDs = keep
			return nil
		}),
		"UpdateOpenIDConnectProviderThumbprint": updateOIDC(func(p *iam.OIDCProvider, c *call) error {
			p.ThumbprintList = c.list("ThumbprintList")
			return nil
		}),
	} {
		iamOps[name] = op
	}
	serviceCodes = append(serviceCodes,
		serviceCode{iam.ErrInvalidIdentityToken, errCode{"InvalidIdentityToken", 400}},
		serviceCode{iam.ErrExpiredIdentityToken, errCode{"ExpiredTokenException", 400}},
		serviceCode{iam.ErrIDPCommunication, errCode{"IDPCommunicationError", 400}},
	)
}

type listOIDCProvidersResult struct {
	Providers []xmlOIDCProvider `xml:"OpenIDConnectProviderList>member"`
}

type xmlOIDCProvider struct {
	Arn string
}

type getOIDCProviderResult struct {
	Url            string
	ClientIDList   []string `xml:"ClientIDList>member"`
	ThumbprintList []string `xml:"ThumbprintList>member"`
	CreateDate     string
	Tags           []xmlTag `xml:"Tags>member,omitempty"`
}

type createOIDCProviderResult struct {
	OpenIDConnectProviderArn string
	Tags                     []xmlTag `xml:"Tags>member,omitempty"`
}

func createOIDCProvider(h *Handler, c *call) (any, error) {
	tags, err := c.tags()
	if err != nil {
		return nil, err
	}
	p, err := h.svc.CreateOpenIDConnectProvider(c.ctx, c.get("Url"), c.list("ClientIDList"), c.list("ThumbprintList"), tags)
	if err != nil {
		return nil, err
	}
	res := createOIDCProviderResult{OpenIDConnectProviderArn: p.ARN}
	if len(p.Tags) > 0 {
		res.Tags = toTags(p.Tags)
	}
	return res, nil
}

func getOIDCProvider(h *Handler, c *call) (any, error) {
	p, err := h.svc.GetOpenIDConnectProvider(c.ctx, c.get("OpenIDConnectProviderArn"))
	if err != nil {
		return nil, err
	}
	// AWS answers the URL without its scheme.
	res := getOIDCProviderResult{Url: p.URL[len("https://"):], ClientIDList: p.ClientIDs, ThumbprintList: p.ThumbprintList, CreateDate: isoTime(p.CreateDate)}
	if len(p.Tags) > 0 {
		res.Tags = toTags(p.Tags)
	}
	return res, nil
}

func listOIDCProviders(h *Handler, c *call) (any, error) {
	ps, err := h.svc.ListOpenIDConnectProviders(c.ctx)
	if err != nil {
		return nil, err
	}
	res := listOIDCProvidersResult{Providers: []xmlOIDCProvider{}}
	for _, p := range ps {
		res.Providers = append(res.Providers, xmlOIDCProvider{Arn: p.ARN})
	}
	return res, nil
}

func deleteOIDCProvider(h *Handler, c *call) (any, error) {
	return nil, h.svc.DeleteOpenIDConnectProvider(c.ctx, c.get("OpenIDConnectProviderArn"))
}

func updateOIDC(fn func(*iam.OIDCProvider, *call) error) opFunc {
	return func(h *Handler, c *call) (any, error) {
		return nil, h.svc.UpdateOpenIDConnectProvider(c.ctx, c.get("OpenIDConnectProviderArn"), func(p *iam.OIDCProvider) error { return fn(p, c) })
	}
}
