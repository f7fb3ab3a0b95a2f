#!/bin/sh
# Entrypoint of the nginx stand-in that scripts/images.sh builds from Debian packages when the official
# nginx-unprivileged image cannot be pulled. It does what the official image's entrypoint does for hydra's dashboard:
# render every /etc/nginx/templates/*.template with envsubst into $NGINX_ENVSUBST_OUTPUT_DIR (default /etc/nginx/conf.d),
# substituting only the variables whose names match $NGINX_ENVSUBST_FILTER, then run the command.
set -eu
template_dir=/etc/nginx/templates
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
filter="${NGINX_ENVSUBST_FILTER:-}"
if [ "$1" = nginx ] && [ -d "$template_dir" ]; then
  # shellcheck disable=SC2016,SC2046 # literal ${NAME} words, one per matching variable (names have no spaces)
  defined_envs=$(printf '${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \"\" } }" </dev/null))
  for template in "$template_dir"/*.template; do
    [ -f "$template" ] || continue
    output="$output_dir/$(basename "$template" .template)"
    envsubst "$defined_envs" <"$template" >"$output"
    echo "docker-entrypoint.sh: rendered $template to $output" >&2
  done
fi
exec "$@"
