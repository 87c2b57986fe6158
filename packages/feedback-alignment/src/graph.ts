import { PlasticityError } from "@plasticity/core";
import {
  type ActivationName,
  type ParsedLayerSpec,
  type ParsedNetworkSpec,
  parseNetworkSpec,
} from "./schema.js";

/** A layer with its inputs resolved and its per-sample shapes known. */
export type GraphNode =
  | {
      readonly kind: "weight";
      readonly name: string;
      readonly from: string;
      readonly op: "dense" | "conv" | "untied";
      /** Output units (dense) or channels (conv). */
      readonly width: number;
      readonly kernel: readonly [number, number];
      readonly activation: ActivationName;
      readonly inShape: readonly number[];
      readonly outShape: readonly number[];
    }
  | {
      readonly kind: "maxpool";
      readonly name: string;
      readonly from: string;
      readonly size: number;
      readonly stride: number;
      readonly inShape: readonly number[];
      readonly outShape: readonly number[];
    }
  | {
      readonly kind: "dropout";
      readonly name: string;
      readonly from: string;
      readonly p: number;
      readonly outShape: readonly number[];
    }
  | {
      readonly kind: "sum";
      readonly name: string;
      readonly from: readonly [string, string];
      readonly outShape: readonly number[];
    };

export type WeightNode = Extract<GraphNode, { kind: "weight" }>;

/** The network as a DAG in forward order; the last node is the linear output layer "out". */
export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
  readonly spec: ParsedNetworkSpec;
}

export const INPUT = "input";
export const OUTPUT = "out";

/** The inputs a node reads. */
export function inputsOf(n: GraphNode): readonly string[] {
  return n.kind === "sum" ? n.from : [n.from];
}

function kernelPair(k: number | readonly [number, number]): [number, number] {
  return typeof k === "number" ? [k, k] : [k[0], k[1]];
}

function needImage(shape: readonly number[], field: string, what: string): void {
  if (shape.length !== 3) {
    throw new PlasticityError(
      `${field}: a ${what} needs an image input [h, w, c], got [${shape.join(", ")}] (a dense layer flattens)`,
      field,
    );
  }
}

function resolveLayer(
  l: ParsedLayerSpec,
  name: string,
  from: string,
  inShape: readonly number[],
  untiedAll: boolean,
  field: string,
): GraphNode {
  switch (l.type) {
    case "conv": {
      needImage(inShape, `${field}.from`, "conv layer");
      const kernel = kernelPair(l.kernel);
      const op = l.untied || untiedAll ? "untied" : "conv";
      const outShape = [inShape[0]!, inShape[1]!, l.filters];
      return {
        kind: "weight",
        name,
        from,
        op,
        width: l.filters,
        kernel,
        activation: l.activation,
        inShape,
        outShape,
      };
    }
    case "dense":
      return {
        kind: "weight",
        name,
        from,
        op: "dense",
        width: l.units,
        kernel: [1, 1],
        activation: l.activation,
        inShape,
        outShape: [l.units],
      };
    case "maxpool": {
      needImage(inShape, `${field}.from`, "max-pool");
      const outShape = [
        Math.ceil(inShape[0]! / l.stride),
        Math.ceil(inShape[1]! / l.stride),
        inShape[2]!,
      ];
      return { kind: "maxpool", name, from, size: l.size, stride: l.stride, inShape, outShape };
    }
    case "dropout":
      return { kind: "dropout", name, from, p: l.p, outShape: inShape };
    case "sum":
      throw new Error("unreachable: sums are resolved by the caller");
  }
}

/**
 * Resolve a network spec for an input shape and a number of classes: names (default: type and
 * 1-based position), inputs (default: the previous layer, the first reads "input"), shapes, and
 * the linear dense output layer "out" after the last layer. Errors name the field.
 */
export function buildGraph(
  rawSpec: unknown,
  inputShape: readonly [number, number, number],
  classes: number,
): Graph {
  const spec = parseNetworkSpec(rawSpec);
  if (!(Number.isInteger(classes) && classes >= 2)) {
    throw new PlasticityError(`classes: expected an integer ≥ 2, got ${classes}`, "classes");
  }
  const shapes = new Map<string, readonly number[]>([[INPUT, inputShape]]);
  const nodes: GraphNode[] = [];
  let previous = INPUT;
  const shapeOf = (src: string, field: string) => {
    const s = shapes.get(src);
    if (s === undefined) {
      throw new PlasticityError(
        `${field}: "${src}" is not "input" or an earlier layer (known: ${[...shapes.keys()].join(", ")})`,
        field,
      );
    }
    return s;
  };
  spec.layers.forEach((l, i) => {
    const field = `network.layers.${i}`;
    const name = l.name ?? `${l.type}${i + 1}`;
    if (shapes.has(name) || name === OUTPUT) {
      throw new PlasticityError(`${field}.name: "${name}" is already taken`, `${field}.name`);
    }
    let node: GraphNode;
    if (l.type === "sum") {
      const [a, b] = l.from;
      const sa = shapeOf(a, `${field}.from.0`);
      const sb = shapeOf(b, `${field}.from.1`);
      if (sa.join("×") !== sb.join("×")) {
        throw new PlasticityError(
          `${field}.from: a sum needs equal shapes, got ${a} [${sa.join(", ")}] and ${b} [${sb.join(", ")}]`,
          `${field}.from`,
        );
      }
      node = { kind: "sum", name, from: [a, b], outShape: sa };
    } else {
      const from = l.from ?? previous;
      node = resolveLayer(l, name, from, shapeOf(from, `${field}.from`), spec.untied, field);
    }
    nodes.push(node);
    shapes.set(name, node.outShape);
    previous = name;
  });
  nodes.push({
    kind: "weight",
    name: OUTPUT,
    from: previous,
    op: "dense",
    width: classes,
    kernel: [1, 1],
    activation: "linear",
    inShape: shapes.get(previous)!,
    outShape: [classes],
  });
  return { nodes, inputShape, classes, spec };
}

/** The weight layers, in forward order. */
export function weightNodes(g: Graph): WeightNode[] {
  return g.nodes.filter((n): n is WeightNode => n.kind === "weight");
}
