/** QR codes for the printed link sheet: its own small chunk, loaded only when a sheet is printed. */
import qrcode from 'qrcode-generator';

/** A QR code as one SVG path (dark modules), for React to render as elements: no markup strings. */
export function qrPath(text: string): { size: number; d: string } {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  let d = '';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.isDark(row, col)) d += `M${col + 4} ${row + 4}h1v1h-1z`;
    }
  }
  // A quiet zone of four modules on each side.
  return { size: count + 8, d };
}
