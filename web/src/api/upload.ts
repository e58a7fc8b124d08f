import { ApiError } from './client';

/** What the API answers for a presigned upload: where to PUT the file and the headers signed into the URL. */
export interface PresignedUpload {
  uploadUrl: string;
  method: 'PUT';
  headers: Record<string, string>;
}

/** Bytes sent so far of the whole file. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * PUTs a file straight to storage through a presigned URL, reporting progress as it goes.
 * XMLHttpRequest rather than fetch: fetch has no upload progress in browsers. The headers the
 * API signed (content type, length) are sent as given; the browser sets the length itself.
 * Rejects with an ApiError: status 0 for a network failure or an abort, otherwise storage's status.
 */
export function uploadFile(upload: PresignedUpload, file: Blob, onProgress?: (progress: UploadProgress) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.uploadUrl);
    for (const [name, value] of Object.entries(upload.headers)) {
      // Forbidden header names (content-length, host) are the browser's to set.
      if (!/^(content-length|host)$/i.test(name)) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.({ loaded: file.size, total: file.size });
        resolve();
      } else {
        reject(new ApiError(xhr.status, `The file could not be stored (storage answered ${xhr.status}). Try again; if it keeps failing, tell your steering group.`));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'The file could not be sent. Check your connection and try again.'));
    xhr.onabort = () => reject(new ApiError(0, 'The upload was stopped.'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** "1.4 MB", "320 KB", "12 bytes" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
