/**
 * Links into hydra's dashboard that other components hand out (Alertmanager's
 * generatorURL): the paths of the dashboard's routes (dashboard/src/app/router.tsx;
 * the alerts page opens the alert of `?id=`).
 */

/** The dashboard's path of one alert: the alerts page with the alert open, whatever its state. */
export function alertPath(id: number): string {
  return `/alerts?id=${id}&state=all`;
}

/**
 * The absolute link to an alert under the external URL users reach the dashboard at (HYDRA_EXTERNAL_URL, like
 * Prometheus' --web.external-url; a path prefix such as `https://ops.example.com/hydra` is kept).
 */
export function alertUrl(externalUrl: string, id: number): string {
  return `${externalUrl.replace(/\/+$/, '')}${alertPath(id)}`;
}

/**
 * `value` as an external URL: absolute http(s), no query or fragment; the trailing slash dropped.
 * @throws RangeError naming `field` and the reason
 */
export function parseExternalUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`${field}: '${value}' is not an absolute URL (e.g. https://hydra.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new RangeError(`${field}: '${value}' must be an http or https URL`);
  if (url.search !== '' || url.hash !== '')
    throw new RangeError(`${field}: '${value}' must not have a query or a fragment`);
  return value.replace(/\/+$/, '');
}
