/**
 * The whole dashboard as a PDF: a header (title, tenant, time range, when it was generated), then every
 * widget in reading order with its chart as vector graphics (the SVG on screen, so the PDF holds exactly
 * the data the screen showed), on as many pages as needed; a widget never straddles two pages.
 */
export interface PdfHeader {
  title: string;
  tenant: string;
  range: string;
  generatedAt: Date;
}

const PAGE = { width: 842, height: 595, margin: 36 }; // A4 landscape, points
const TITLE_GAP = 18;

export async function dashboardPdf(root: HTMLElement, header: PdfHeader) {
  const [{ jsPDF }, { svg2pdf }] = await Promise.all([import('jspdf'), import('svg2pdf.js')]);
  const doc = new jsPDF({ orientation: 'landscape', unit: 'pt', format: 'a4', compress: false });
  doc.setProperties({ title: header.title, subject: `Pulse dashboard, tenant ${header.tenant}`, creator: 'Pulse' });
  const contentWidth = PAGE.width - 2 * PAGE.margin;
  doc.setFontSize(18);
  doc.text(header.title, PAGE.margin, PAGE.margin + 8);
  doc.setFontSize(10);
  doc.text(`Tenant: ${header.tenant}    Time range: ${header.range}    Generated: ${header.generatedAt.toISOString()}`,
    PAGE.margin, PAGE.margin + 26);
  let y = PAGE.margin + 48;

  for (const card of widgetsInReadingOrder(root)) {
    const title = card.querySelector('.widget-title')?.textContent ?? '';
    const svg = card.querySelector<SVGSVGElement>('svg.recharts-surface, svg.heatmap');
    const legend = [...card.querySelectorAll('.recharts-legend-item')].map((item) => ({
      text: item.textContent ?? '',
      color: item.querySelector('path, rect')?.getAttribute('fill') ?? item.querySelector('path')?.getAttribute('stroke') ?? '#000000',
    }));
    const box = svg ? svgSize(svg) : { width: contentWidth, height: 24 };
    const scale = Math.min(contentWidth / box.width, (PAGE.height - 2 * PAGE.margin - TITLE_GAP - 40) / box.height);
    const height = svg ? box.height * scale : 14;
    const needed = TITLE_GAP + height + (legend.length ? 16 : 0) + 16;
    if (y + needed > PAGE.height - PAGE.margin) {
      doc.addPage();
      y = PAGE.margin;
    }
    doc.setFontSize(12);
    doc.text(title, PAGE.margin, y + 12);
    y += TITLE_GAP;
    if (svg) {
      await svg2pdf(svg.cloneNode(true) as SVGSVGElement, doc, { x: PAGE.margin, y, width: box.width * scale, height });
    } else {
      doc.setFontSize(10);
      doc.text(card.querySelector('.widget-state')?.textContent ?? 'No chart', PAGE.margin, y + 10);
    }
    y += height;
    if (legend.length) {
      let x = PAGE.margin;
      doc.setFontSize(9);
      for (const item of legend) {
        doc.setFillColor(item.color);
        doc.rect(x, y + 4, 8, 8, 'F');
        doc.text(item.text, x + 12, y + 11);
        x += 24 + doc.getTextWidth(item.text);
      }
      y += 16;
    }
    y += 16;
  }
  return doc;
}

function widgetsInReadingOrder(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('.widget-card')].map((card) => ({ card, rect: card.getBoundingClientRect() }))
    .sort((a, b) => a.rect.top - b.rect.top || a.rect.left - b.rect.left).map(({ card }) => card);
}

function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const viewBox = svg.viewBox?.baseVal;
  if (viewBox && viewBox.width > 0 && viewBox.height > 0) return { width: viewBox.width, height: viewBox.height };
  const width = Number(svg.getAttribute('width')) || svg.clientWidth || 600;
  const height = Number(svg.getAttribute('height')) || svg.clientHeight || 300;
  return { width, height };
}
