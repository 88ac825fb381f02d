import { useState, type RefObject } from 'react';
import { dashboardPdf, type PdfHeader } from '../lib/export-pdf';

/** Saves the dashboard as it is on screen to a PDF. */
export function ExportPdfButton({ target, header }: { target: RefObject<HTMLElement | null>; header: Omit<PdfHeader, 'generatedAt'> }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  return (
    <>
      <button type="button" className="button subtle" disabled={state.busy} onClick={async () => {
        if (!target.current) return;
        setState({ busy: true, error: null });
        try {
          const doc = await dashboardPdf(target.current, { ...header, generatedAt: new Date() });
          doc.save(`${header.title.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'dashboard'}.pdf`);
          setState({ busy: false, error: null });
        } catch (e) {
          setState({ busy: false, error: e instanceof Error ? e.message : String(e) });
        }
      }}>{state.busy ? 'Preparing PDF…' : 'Export PDF'}</button>
      {state.error && <span className="error" role="alert">PDF failed: {state.error}</span>}
    </>
  );
}
