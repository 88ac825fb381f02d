import { ApiError, csrfHeader, errorMessage } from '@/lib/api-client';
import { heatmapParameters, type HeatmapRequest } from './get-heatmap';
import { seriesParameters, type SeriesRequest } from './get-series';

function csvQuery(parameters: Record<string, string | number | string[] | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (Array.isArray(value)) value.forEach((v) => params.append(key, v));
    else if (value !== undefined) params.set(key, String(value));
  }
  params.set('format', 'csv');
  return params.toString();
}

/** The API's CSV address for exactly the data a widget shows (its query, range and step). */
export function seriesCsvUrl(request: SeriesRequest): string {
  return `/v2/metrics/${encodeURIComponent(request.query.metric)}/series?${csvQuery(seriesParameters(request))}`;
}

/** The API's CSV of a heatmap widget's matrix over the range it was drawn for. */
export function heatmapCsvUrl(request: HeatmapRequest): string {
  const query = csvQuery(heatmapParameters(request));
  return request.query.view === 'correlation' ? `/v2/heatmaps/correlation?${query}`
    : `/v2/heatmaps/hour-by-weekday/${encodeURIComponent(request.query.metric)}?${query}`;
}

/** Fetches the CSV (needs `exports:create`) and hands it to the browser as a download. */
export async function downloadCsv(url: string, fileName: string): Promise<string> {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'text/csv', ...csrfHeader() } });
  const text = await response.text();
  if (!response.ok) {
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the status says enough
    }
    throw new ApiError(response.status, errorMessage(response.status, body));
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  return text;
}
