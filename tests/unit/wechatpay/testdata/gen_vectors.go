// Generates the known-answer vectors of the wechatpay unit tests with Go's standard library, an
// implementation independent of the OpenSSL code under test. Run from this directory:
//   go run gen_vectors.go
// It reads merchant_key.pem, platform_key.pem and wechatpay_pubkey_private.pem (made once with
// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`) and writes platform_cert.pem
// and vectors.json. Signatures (PKCS#1 v1.5) are deterministic; the OAEP and GCM blobs are fixed
// once generated.
package main

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"time"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func readKey(path string) *rsa.PrivateKey {
	raw, err := os.ReadFile(path)
	must(err)
	block, _ := pem.Decode(raw)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	must(err)
	return k.(*rsa.PrivateKey)
}

func sign(k *rsa.PrivateKey, msg string) string {
	h := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
	must(err)
	return base64.StdEncoding.EncodeToString(sig)
}

func main() {
	merchant := readKey("merchant_key.pem")
	platform := readKey("platform_key.pem")
	pubkeyPriv := readKey("wechatpay_pubkey_private.pem")

	serial, _ := new(big.Int).SetString("5157F09EFDC096DE15EBE81A47057A7232F1B8E1", 16)
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "orderops test platform certificate", Organization: []string{"orderops test"}},
		NotBefore:    time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &platform.PublicKey, platform)
	must(err)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	must(os.WriteFile("platform_cert.pem", certPEM, 0644))

	apiv3 := "0123456789abcdefghijABCDEFGHIJ01"
	nonce := "61f9c719728a"
	block, err := aes.NewCipher([]byte(apiv3))
	must(err)
	gcm, err := cipher.NewGCM(block)
	must(err)
	certCipher := gcm.Seal(nil, []byte(nonce), certPEM, []byte("certificate"))

	requestMsg := "GET\n/v3/profitsharing/orders/P20150806125346%7Ca%2Ab@c?transaction_id=4208450740201411110007820472\n1795000000\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
	postBody := `{"out_order_no":"P1","receivers":[],"transaction_id":"42"}`
	postMsg := "POST\n/v3/profitsharing/orders\n1795000000\n593BEC0C930BF1AFEB40B4A08C8FB242\n" + postBody + "\n"
	respBody := `{"transaction_id":"4208450740201411110007820472","unsplit_amount":1000}`
	respMsg := "1795000000\n4aab7c1a8e6fbfe0b7c1c0e3a4f35e5d\n" + respBody + "\n"

	name := "张三"
	oaep, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &platform.PublicKey, []byte(name), nil)
	must(err)

	out := map[string]string{
		"apiv3_key":                   apiv3,
		"cert_nonce":                  nonce,
		"cert_ciphertext":             base64.StdEncoding.EncodeToString(certCipher),
		"cert_serial":                 "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
		"request_get_message":         requestMsg,
		"request_get_signature":       sign(merchant, requestMsg),
		"request_post_body":           postBody,
		"request_post_signature":      sign(merchant, postMsg),
		"response_body":               respBody,
		"response_nonce":              "4aab7c1a8e6fbfe0b7c1c0e3a4f35e5d",
		"response_timestamp":          "1795000000",
		"response_signature_platform": sign(platform, respMsg),
		"response_signature_pubkey":   sign(pubkeyPriv, respMsg),
		"oaep_plaintext":              name,
		"oaep_ciphertext":             base64.StdEncoding.EncodeToString(oaep),
	}
	js, err := json.MarshalIndent(out, "", "  ")
	must(err)
	must(os.WriteFile("vectors.json", append(js, '\n'), 0644))
}
