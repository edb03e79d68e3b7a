/**
 * Frames as the server reads them: the drawing (image and strokes) black on a transparent 400×400 canvas
 * (whatever the screen's size, pixel ratio or colour scheme) and exported as PNG bytes.
 */
import { CANVAS_SIZE, renderDrawing, type DrawingContent } from './strokes';

export function createPngEncoder(penWidth: number): (content: DrawingContent) => Promise<ArrayBuffer> {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = CANVAS_SIZE;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw on a canvas.');
  return (content) => {
    renderDrawing(ctx, content, { penWidth, ink: '#000', scale: 1, width: CANVAS_SIZE, height: CANVAS_SIZE });
    // toBlob copies the bitmap now, so the canvas is free for the next frame straight away.
    return new Promise((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? blob.arrayBuffer().then(resolve, reject) : reject(new Error('The drawing could not be encoded.'))),
        'image/png',
      ),
    );
  };
}
