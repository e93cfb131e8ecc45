# fetchpool's container image:   docker build -t fetchpool .
#                                 docker run --rm -i fetchpool < urls.txt
#
# The build stage runs the same scripts as README's commands and CI: scripts/install-deps.sh,
# scripts/build.sh release, and scripts/package.sh, which builds the .deb and checks it (lintian,
# an unpacked run, cmake --install). The final stage installs that .deb, so the image's libraries
# are exactly the package's Depends (computed by dpkg-shlibdeps) plus CA certificates: no
# compiler, no headers, no tests. It runs as an unprivileged user.
#
# No container engine or image registry is reachable where this project's CI runs, so CI builds
# and checks the .deb with the same scripts but never builds this image.

FROM debian:bookworm-slim AS build
WORKDIR /src
COPY . .
RUN scripts/install-deps.sh \
 && scripts/build.sh release \
 && scripts/package.sh

FROM debian:bookworm-slim
COPY --from=build /src/build/packages/*.deb /tmp/packages/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates /tmp/packages/fetchpool_*.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/packages \
 && groupadd --gid 10001 fetchpool \
 && useradd --uid 10001 --gid 10001 --create-home --home-dir /home/fetchpool \
      --shell /usr/sbin/nologin fetchpool
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
WORKDIR /home/fetchpool
ENTRYPOINT ["fetchpool"]
