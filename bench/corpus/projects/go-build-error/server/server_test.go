package server

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestHandler(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler("1.0", time.Now())(rec, httptest.NewRequest("GET", "/status", nil))
	if rec.Code != 200 {
		t.Fatalf("code %d", rec.Code)
	}
}
