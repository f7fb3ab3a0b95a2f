/** Label names hydra gives a meaning to, wherever series are written, read or shown. */

/** The label that names a host (OpenTelemetry semantic conventions): the `host` of a query, a seed point, a CSV row. */
export const HOST_LABEL = 'host.name';
