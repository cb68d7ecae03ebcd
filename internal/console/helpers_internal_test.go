package console

import "net/http"

func newRequest(host string) (*http.Request, error) {
	r, err := http.NewRequest("GET", "http://placeholder/", nil)
	if err == nil {
		r.Host = host
	}
	return r, err
}
