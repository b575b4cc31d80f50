#!/usr/bin/env bash
# `make demo`: the local stack (PostgreSQL, test API server, WeChat Pay mock, two managers) is
# built in issue 8. Until then this says what it will do and fails, so nobody mistakes it for done.
cat >&2 <<'TXT'
make demo is not available yet.

When it is, it will: start a throwaway PostgreSQL with a realistic after-sales and profit-sharing
data set, the OrderOps test API server, the WeChat Pay mock and two `orderops manager` replicas;
apply crds/ and the samples with kubectl; wait for the first runs; and print `kubectl get orderops`,
each resource's conditions, the rows per state before and after, and the key metrics.

Today you can build and test: `make test`; and try the schedule engine:
  build/bin/orderops schedule next "0 9 * * MON-FRI" --time-zone Asia/Shanghai --count 5
TXT
exit 1
