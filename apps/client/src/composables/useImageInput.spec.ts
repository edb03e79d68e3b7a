import { SQUARE_DRAWING } from '../lib/drawing-size';
import type { InkImage } from '../lib/strokes';
import { inScope } from '../testing/scope';
import { useDrawing } from './useDrawing';
import { MAX_IMAGE_FILE_BYTES, useImageInput, type DragInput, type ListenerTarget, type PasteInput } from './useImageInput';

const png = (name = 'seven.png') => new File([new Uint8Array([137, 80, 78, 71])], name, { type: 'image/png' });
const INK = 'the ink of the image' as unknown as InkImage;

function setup(decode: (file: Blob) => Promise<InkImage> = async () => INK, target?: ListenerTarget) {
  const drawing = useDrawing();
  const decoded = jest.fn(decode);
  const { result: sut, stop } = inScope(() => useImageInput({ drawing, decode: decoded, target }));
  return { sut, stop, drawing, decoded };
}

function transfer(files: Blob[], types = files.length > 0 ? ['Files'] : ['text/plain']) {
  return { files, types, dropEffect: 'none' };
}

function dragEvent(files: Blob[], types?: string[]): DragInput & { prevented: boolean; dataTransfer: ReturnType<typeof transfer> } {
  const event = { dataTransfer: transfer(files, types), prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
}

function pasteEvent(files: Blob[], target: unknown = null): PasteInput & { prevented: boolean } {
  const event = {
    clipboardData: transfer(files),
    target: target as EventTarget,
    prevented: false,
    preventDefault: () => (event.prevented = true),
  };
  return event;
}

describe(useImageInput.name, () => {
  it('makes a chosen PNG the drawing, and clears the control so the same file can be chosen again', async () => {
    const { sut, drawing, decoded } = setup();
    const file = png();
    const input = { files: [file], value: 'C:\\fakepath\\seven.png' };

    await sut.onFileChosen({ target: input });

    expect(decoded).toHaveBeenCalledWith(file);
    expect(drawing.content.value).toEqual({ image: INK, strokes: [], size: SQUARE_DRAWING });
    expect(sut.error.value).toBeNull();
    expect(sut.isLoading.value).toBe(false);
    expect(input.value).toBe('');
  });

  it.each(['image/jpeg', 'image/webp'])('accepts %s', async (type) => {
    const { sut, drawing } = setup();

    await sut.open(new File(['x'], 'photo', { type }));

    expect(drawing.image.value).toBe(INK);
  });

  it('refuses a file of another type without reading it, and leaves the drawing as it was', async () => {
    const { sut, drawing, decoded } = setup();
    drawing.begin(1, { x: 1, y: 1 });
    drawing.end(1);

    await sut.onFileChosen({ target: { files: [new File(['hello'], 'notes.txt', { type: 'text/plain' })], value: 'notes.txt' } });

    expect(sut.error.value).toBe('“notes.txt” is not a PNG, JPEG or WebP image.');
    expect(decoded).not.toHaveBeenCalled();
    expect(drawing.strokes.value).toHaveLength(1);
    expect(drawing.image.value).toBeNull();
  });

  it('says so when the image cannot be decoded', async () => {
    const { sut, drawing } = setup(() => Promise.reject(new Error('InvalidStateError')));

    await sut.open(png('broken.png'));

    expect(sut.error.value).toBe('“broken.png” could not be read as an image; it may be damaged.');
    expect(sut.isLoading.value).toBe(false);
    expect(drawing.isEmpty.value).toBe(true);
  });

  it('refuses a file too large to be a digit before decoding it', async () => {
    const { sut, decoded } = setup();
    const huge = png('huge.png');
    Object.defineProperty(huge, 'size', { value: MAX_IMAGE_FILE_BYTES + 1 });

    await sut.open(huge);

    expect(sut.error.value).toMatch(/“huge.png” is too large/);
    expect(decoded).not.toHaveBeenCalled();
  });

  it('does nothing when the file dialog is cancelled', async () => {
    const { sut, decoded } = setup();

    await sut.onFileChosen({ target: { files: [], value: '' } });

    expect(decoded).not.toHaveBeenCalled();
    expect(sut.error.value).toBeNull();
  });

  it('keeps only the latest of two images when the first takes longer to decode', async () => {
    const first = 'first' as unknown as InkImage;
    const second = 'second' as unknown as InkImage;
    const { sut, drawing } = setup(
      (file) => new Promise((resolve) => setTimeout(() => resolve(file.size === 1 ? first : second), file.size === 1 ? 20 : 1)),
    );

    await Promise.all([
      sut.open(new File(['1'], 'a.png', { type: 'image/png' })),
      sut.open(new File(['22'], 'b.png', { type: 'image/png' })),
    ]);

    expect(drawing.image.value).toBe(second);
  });

  it('drops an image still being read once the person draws', async () => {
    let finishReading: (image: InkImage) => void = () => {};
    const { sut, drawing } = setup(() => new Promise((resolve) => (finishReading = resolve)));
    const reading = sut.open(png());
    expect(sut.isLoading.value).toBe(true);

    drawing.begin(1, { x: 1, y: 1 });
    finishReading(INK);
    await reading;

    expect(drawing.image.value).toBeNull();
    expect(drawing.strokes.value).toHaveLength(1);
    expect(sut.isLoading.value).toBe(false);
  });

  it('forgets its message once the person draws', async () => {
    const { sut, drawing } = setup();
    await sut.open(new File(['x'], 'a.gif', { type: 'image/gif' }));

    drawing.begin(1, { x: 1, y: 1 });

    expect(sut.error.value).toBeNull();
  });

  describe('paste', () => {
    it('takes a readable image from the clipboard', async () => {
      const { sut, drawing } = setup();
      const event = pasteEvent([new File(['x'], 'image.gif', { type: 'image/gif' }), png('image.png')]);

      await sut.onPaste(event);

      expect(event.prevented).toBe(true);
      expect(drawing.image.value).toBe(INK);
    });

    it('says so when the clipboard holds no image', async () => {
      const { sut, drawing } = setup();

      await sut.onPaste(pasteEvent([]));

      expect(sut.error.value).toMatch(/no image on the clipboard/);
      expect(drawing.isEmpty.value).toBe(true);
    });

    it('leaves a paste into a text field alone', async () => {
      const { sut, drawing } = setup();
      const event = pasteEvent([png()], { tagName: 'INPUT', type: 'text' });

      await sut.onPaste(event);

      expect(event.prevented).toBe(false);
      expect(drawing.isEmpty.value).toBe(true);
    });

    it('takes a paste while the file control has the focus', async () => {
      const { sut, drawing } = setup();

      await sut.onPaste(pasteEvent([png()], { tagName: 'INPUT', type: 'file' }));

      expect(drawing.image.value).toBe(INK);
    });

    it('hears pastes anywhere on the page while the page lives', async () => {
      const listeners = new Map<string, EventListener>();
      const target = {
        addEventListener: (type: string, listener: EventListener) => listeners.set(type, listener),
        removeEventListener: (type: string) => listeners.delete(type),
      } as unknown as ListenerTarget;
      const { drawing, stop } = setup(async () => INK, target);

      listeners.get('paste')!(pasteEvent([png()]) as unknown as Event);
      await new Promise((resolve) => setTimeout(resolve, 0));
      stop();

      expect(drawing.image.value).toBe(INK);
      expect(listeners.size).toBe(0);
    });
  });

  describe('drag and drop', () => {
    it('offers to copy files dragged over the canvas, and takes the one dropped', async () => {
      const { sut, drawing } = setup();
      const over = dragEvent([png()]);

      sut.onDragOver(over);
      expect(over.prevented).toBe(true);
      expect(over.dataTransfer.dropEffect).toBe('copy');
      expect(sut.isDragOver.value).toBe(true);

      const drop = dragEvent([png()]);
      await sut.onDrop(drop);

      expect(drop.prevented).toBe(true);
      expect(sut.isDragOver.value).toBe(false);
      expect(drawing.image.value).toBe(INK);
    });

    it('ignores a drag that carries no files (text, a link)', async () => {
      const { sut, drawing } = setup();
      const over = dragEvent([], ['text/plain']);

      sut.onDragOver(over);
      await sut.onDrop(dragEvent([], ['text/plain']));

      expect(over.prevented).toBe(false);
      expect(sut.isDragOver.value).toBe(false);
      expect(drawing.isEmpty.value).toBe(true);
    });

    it('shows the same message as the file control for a dropped file of the wrong type', async () => {
      const { sut } = setup();

      await sut.onDrop(dragEvent([new File(['%PDF'], 'scan.pdf', { type: 'application/pdf' })]));

      expect(sut.error.value).toBe('“scan.pdf” is not a PNG, JPEG or WebP image.');
    });

    it('keeps a file dropped beside the canvas from replacing the page', () => {
      const listeners = new Map<string, EventListener>();
      const target = {
        addEventListener: (type: string, listener: EventListener) => listeners.set(type, listener),
        removeEventListener: () => {},
      };
      setup(async () => INK, target as unknown as ListenerTarget);
      const drop = dragEvent([png()]);

      listeners.get('drop')!(drop as unknown as Event);

      expect(drop.prevented).toBe(true);
    });
  });
});
