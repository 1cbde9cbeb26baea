#!/usr/bin/env bash
# Regenerates the sandbox's test certificates (see README.md beside this script):
#   ca.pem                  the test CA, name-constrained to 127.0.0.1 and localhost
#   localhost.pem/.key.pem  the sandbox's certificate for 127.0.0.1 and localhost, valid 100 years
#   expired.pem/.key.pem    the same names, signed by the same CA, expired since 2001
# The CA's private key is not kept: nothing else can ever be signed with it. Needs openssl 3.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$work/ca.key" -out ca.pem -days 36500 -subj "/CN=goto-sandbox test CA" \
  -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "nameConstraints=critical,permitted;IP:127.0.0.0/255.0.0.0,permitted;DNS:localhost"

cat > "$work/leaf.ext" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT

# The valid certificate: 100 years.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout localhost.key.pem -out "$work/localhost.csr" -subj "/CN=localhost"
openssl x509 -req -in "$work/localhost.csr" -CA ca.pem -CAkey "$work/ca.key" \
  -CAcreateserial -CAserial "$work/ca.srl" -days 36500 -extfile "$work/leaf.ext" -out localhost.pem

# The expired certificate: `openssl ca` is the one command of openssl 3.0 that sets past dates.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout expired.key.pem -out "$work/expired.csr" -subj "/CN=localhost"
mkdir "$work/ca"
: > "$work/ca/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $work/ca/index.txt
new_certs_dir = $work/ca
serial = $work/ca/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
openssl rand -hex 16 > "$work/ca/serial"
openssl ca -batch -config "$work/ca.cnf" -cert ca.pem -keyfile "$work/ca.key" \
  -in "$work/expired.csr" -startdate 20000101000000Z -enddate 20010101000000Z \
  -extfile "$work/leaf.ext" -notext -out expired.pem 2>/dev/null
# openssl writes PKCS#8 keys; rustls reads them as they are.
