# syntax=docker/dockerfile:1
# The OrderOps image: `make image`, or `docker build --build-arg GIT_COMMIT=<sha> -t orderops:latest .`.
# Build stage: Debian bookworm with the packages of scripts/debian-packages.txt, a Release build,
# and the unit tests (`ctest -L unit`). Runtime stage: bookworm-slim with only the orderops binary,
# the Debian packages that hold its shared libraries, CA certificates and time zone data; it runs
# as the unprivileged user 65532, as manifests/deployment.yaml expects.

FROM debian:bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive
# kubectl is not a Debian package (developer machines have it from elsewhere), so it is skipped
# here, and so is the one unit test that needs it (label `kubectl`: kustomize rendering).
COPY scripts/debian-packages.txt /tmp/debian-packages.txt
RUN sed -e 's/#.*//' -e 's/[[:space:]]//g' /tmp/debian-packages.txt \
      | grep -v -x -e '' -e kubectl > /tmp/packages.txt \
 && apt-get update -q \
 && xargs -a /tmp/packages.txt apt-get install -y -q --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
# .git is not in the build context, so `orderops version` learns its commit from here.
ARG GIT_COMMIT=unknown
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DORDEROPS_GIT_COMMIT="${GIT_COMMIT}" \
 && cmake --build build --parallel "$(nproc)" \
 && ctest --test-dir build --output-on-failure -L unit -LE kubectl

# The Debian packages that own the binary's shared libraries (ldd shows /lib paths that dpkg may
# know under /usr/lib on a merged-/usr system, hence the second lookup). The runtime stage
# installs exactly these, so the image gets Debian's security updates for them.
RUN ldd build/bin/orderops | awk '$3 ~ /^\// {print $3}' | sort -u > /tmp/libs.txt \
 && while read -r lib; do \
      owner=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null \
              || dpkg -S "$(readlink -f "$lib")" 2>/dev/null) \
        || { echo "no Debian package owns $lib" >&2; exit 1; }; \
      echo "${owner%%:*}"; \
    done < /tmp/libs.txt | sort -u > /tmp/runtime-packages.txt \
 && echo "runtime packages: $(tr '\n' ' ' < /tmp/runtime-packages.txt)"

FROM debian:bookworm-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive
LABEL org.opencontainers.image.title="orderops" \
      org.opencontainers.image.description="Kubernetes operator for after-sales timeouts and WeChat Pay profit sharing"
COPY --from=build /tmp/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update -q \
 && xargs -a /tmp/runtime-packages.txt \
      apt-get install -y -q --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt
COPY --from=build /src/build/bin/orderops /usr/local/bin/orderops
# Fails the build if a shared library is missing.
RUN /usr/local/bin/orderops version \
 && mkdir -p /var/lib/orderops/bills \
 && chown -R 65532:65532 /var/lib/orderops
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/orderops"]
CMD ["manager"]
