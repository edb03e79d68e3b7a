/**
 * An image instead of a drawing: chosen with the file control (the keyboard-only way in), pasted
 * (Ctrl/⌘+V anywhere on the page) or dropped on the canvas. The image becomes the drawing
 * (`drawing.load`), so it is shown and recognised exactly like ink drawn by hand; a file of the
 * wrong type, too large or unreadable leaves the drawing as it was and says why.
 */
import { onScopeDispose, readonly, ref } from 'vue';
import type { Drawing } from './useDrawing';
import { ACCEPTED_IMAGE_TYPES, decodeInkImage } from '../lib/image-ink';
import type { InkImage } from '../lib/strokes';

/** Larger files are refused before decoding: a digit needs nothing like this, and decoding it would stall the page. */
export const MAX_IMAGE_FILE_BYTES = 20 * 1024 * 1024;

/** For the file control's `accept`. */
export const ACCEPT_ATTRIBUTE = ACCEPTED_IMAGE_TYPES.join(',');

/** The parts of a DataTransfer (drop, paste) this reads. */
export interface TransferInput {
  files: ArrayLike<Blob>;
  types: readonly string[];
  dropEffect?: string;
}

/** A drag, drop or paste event, as far as the handlers read it. */
export interface TransferEvent {
  defaultPrevented?: boolean;
  target?: EventTarget | null;
  preventDefault(): void;
}

export interface DragInput extends TransferEvent {
  dataTransfer: TransferInput | null;
}

export interface PasteInput extends TransferEvent {
  clipboardData: TransferInput | null;
}

/** A file control's change event: its chosen files, and its value to reset. */
export interface FileChoiceInput {
  target: { files: ArrayLike<Blob> | null; value: string } | EventTarget | null;
}

export type ListenerTarget = Pick<Window, 'addEventListener' | 'removeEventListener'>;

export interface ImageInputOptions {
  drawing: Pick<Drawing, 'load' | 'onChange'>;
  /** Bytes → the image's ink, fitted to the canvas; rejects what cannot be decoded. */
  decode?: (file: Blob) => Promise<InkImage>;
  /** Where pastes are heard, and where a file dropped beside the canvas is kept from replacing the page. */
  target?: ListenerTarget;
}

const nameOf = (file: Blob) => ('name' in file && typeof file.name === 'string' && file.name ? `“${file.name}”` : 'That file');
const isAccepted = (file: Blob) => (ACCEPTED_IMAGE_TYPES as readonly string[]).includes(file.type);
const carriesFiles = (transfer: TransferInput | null) => !!transfer && Array.from(transfer.types).includes('Files');

/** Inputs that take no typed text: a paste while one has the focus (the file control itself) is the page's. */
const NON_TEXT_INPUTS = new Set(['file', 'button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'image']);

/** Text fields keep their own paste (the page has none today; a later one must not lose its clipboard). */
function isEditable(target: EventTarget | null | undefined): boolean {
  const element = target as { tagName?: string; type?: string; isContentEditable?: boolean } | null | undefined;
  if (!element) return false;
  if (element.tagName === 'INPUT') return !NON_TEXT_INPUTS.has(element.type ?? 'text');
  return element.isContentEditable === true || element.tagName === 'TEXTAREA';
}

export function useImageInput({ drawing, decode = decodeInkImage, target }: ImageInputOptions) {
  const error = ref<string | null>(null);
  const isLoading = ref(false);
  const isDragOver = ref(false);
  /** Only the latest image wins: one that finishes decoding after a newer one started is dropped. */
  let latest = 0;

  // Drawing (or Clear, Undo) answers the message, and an image still being read: the person has moved on.
  drawing.onChange((change) => {
    if (change === 'load') return;
    latest++;
    isLoading.value = false;
    error.value = null;
  });

  /** Reads `file` and makes it the drawing; resolves once it is shown (or refused). */
  async function open(file: Blob | undefined): Promise<void> {
    const attempt = ++latest;
    if (!file) return fail(attempt, 'No image there: choose or drop a PNG, JPEG or WebP file.');
    if (!isAccepted(file)) {
      return fail(attempt, `${nameOf(file)} is not a PNG, JPEG or WebP image.`);
    }
    if (file.size > MAX_IMAGE_FILE_BYTES) {
      return fail(attempt, `${nameOf(file)} is too large (${(file.size / 1024 / 1024).toFixed(0)} MB); the most is 20 MB.`);
    }
    isLoading.value = true;
    let image: InkImage;
    try {
      image = await decode(file);
    } catch {
      return fail(attempt, `${nameOf(file)} could not be read as an image; it may be damaged.`);
    }
    if (attempt !== latest) return;
    isLoading.value = false;
    error.value = null;
    drawing.load(image);
  }

  function fail(attempt: number, message: string): void {
    if (attempt !== latest) return;
    isLoading.value = false;
    error.value = message;
  }

  /** The file control's `change`. */
  function onFileChosen(event: FileChoiceInput): Promise<void> {
    const input = event.target as { files: ArrayLike<Blob> | null; value: string } | null;
    const file = input?.files?.[0];
    // Cleared, so choosing the same file again is a change too.
    if (input) input.value = '';
    return file ? open(file) : Promise.resolve(); // cancelled: nothing chosen, nothing to say
  }

  async function onPaste(event: PasteInput): Promise<void> {
    if (event.defaultPrevented || isEditable(event.target) || !event.clipboardData) return;
    event.preventDefault();
    const files = Array.from(event.clipboardData.files);
    if (files.length === 0) return fail(++latest, 'There is no image on the clipboard: copy an image, then paste it here.');
    // A copied file can come with other renderings of it: prefer one that can be read.
    return open(files.find(isAccepted) ?? files[0]);
  }

  /** `dragover` on the canvas: accept files (which is what lets them be dropped there). */
  function onDragOver(event: DragInput): void {
    if (!carriesFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
    isDragOver.value = true;
  }

  function onDragLeave(): void {
    isDragOver.value = false;
  }

  /** `drop` on the canvas. */
  function onDrop(event: DragInput): Promise<void> {
    isDragOver.value = false;
    if (!carriesFiles(event.dataTransfer)) return Promise.resolve();
    event.preventDefault();
    return open(event.dataTransfer!.files[0]);
  }

  /** A file dropped beside the canvas would make the browser leave the page to show it: it is ignored instead. */
  function keepPage(event: Event): void {
    const drag = event as unknown as DragInput;
    if (!event.defaultPrevented && carriesFiles(drag.dataTransfer)) {
      event.preventDefault();
      if (drag.dataTransfer) drag.dataTransfer.dropEffect = 'none';
    }
  }

  if (target) {
    const paste = (event: Event) => void onPaste(event as unknown as PasteInput);
    target.addEventListener('paste', paste);
    target.addEventListener('dragover', keepPage);
    target.addEventListener('drop', keepPage);
    onScopeDispose(() => {
      target.removeEventListener('paste', paste);
      target.removeEventListener('dragover', keepPage);
      target.removeEventListener('drop', keepPage);
    });
  }

  return {
    error: readonly(error),
    isLoading: readonly(isLoading),
    isDragOver: readonly(isDragOver),
    open,
    onFileChosen,
    onPaste,
    onDragOver,
    onDragLeave,
    onDrop,
  };
}

export type ImageInput = ReturnType<typeof useImageInput>;
