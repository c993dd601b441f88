// Types for svgcanvas (MIT, https://github.com/zenozeng/svgcanvas), which ships none: a mock 2D
// canvas context that records what is drawn as an SVG scene graph. Only what the panel uses,
// including the internals exporting.ts overrides to draw text (pinned version: see package.json).
declare module 'svgcanvas' {
  export interface ContextOptions {
    width?: number;
    height?: number;
    /** A real 2D context used for measureText (one is created when absent). */
    ctx?: CanvasRenderingContext2D;
    enableMirroring?: boolean;
    document?: Document;
  }
  export class Context {
    constructor(options?: ContextOptions);
    width: number;
    height: number;
    font: string;
    textAlign: CanvasTextAlign;
    textBaseline: CanvasTextBaseline;
    /** The document so far; `fixNamedEntities` turns named entities into numeric ones. */
    getSerializedSvg(fixNamedEntities?: boolean): string;
    getSvg(): SVGSVGElement;
    // Internals, used by the text override.
    protected __document: Document;
    protected __currentElement: SVGElement;
    protected __closestGroupOrSvg(node?: SVGElement): SVGElement;
    protected __createElement(name: string, attributes?: Record<string, string | number>, resetFill?: boolean): SVGElement;
    protected __applyTransformation(element: SVGElement): void;
    protected __applyStyleToCurrentElement(type: 'fill' | 'stroke'): void;
    protected __applyText(text: string, x: number, y: number, action: 'fill' | 'stroke'): void;
  }
}
