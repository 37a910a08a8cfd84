import { z } from 'zod';
import type { Activation, IrModel, IrNode, OpSpec, Padding, Pair } from './ir.ts';
import { topologicalOrder } from './ir.ts';

const AttrSchema = z.record(z.string(), z.unknown());
const NodeSchema = z.object({ name: z.string(), op: z.string(), input: z.array(z.string()).optional(), attr: AttrSchema.optional() });
const GraphSchema = z.object({ node: z.array(NodeSchema) });
type GraphNode = z.infer<typeof NodeSchema>;

function attr(node: GraphNode, key: string): Record<string, unknown> | undefined {
  const value = node.attr?.[key];
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function attrString(node: GraphNode, key: string): string | undefined {
  const s = attr(node, key)?.s;
  return typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : undefined;
}

function attrInts(node: GraphNode, key: string): number[] {
  const list = attr(node, key)?.list as { i?: unknown[] } | undefined;
  return (list?.i ?? []).map((v) => Number(v));
}

function attrStrings(node: GraphNode, key: string): string[] {
  const list = attr(node, key)?.list as { s?: unknown[] } | undefined;
  return (list?.s ?? []).map((v) => Buffer.from(String(v), 'base64').toString('utf8'));
}

function spatial(values: number[], fallback: number): Pair {
  return values.length === 4 ? [values[1] ?? fallback, values[2] ?? fallback] : [fallback, fallback];
}

function paddingOf(node: GraphNode): Padding {
  const p = attrString(node, 'padding') ?? 'VALID';
  if (p === 'SAME') return 'same';
  if (p === 'VALID') return 'valid';
  const e = attrInts(node, 'explicit_paddings');
  if (p === 'EXPLICIT' && e.length === 8) return [[e[2] ?? 0, e[3] ?? 0], [e[4] ?? 0, e[5] ?? 0]];
  throw new Error(`node '${node.name}': unsupported padding ${p}`);
}

const FUSED_ACTIVATIONS: Readonly<Record<string, Activation>> = { Relu: 'relu', Relu6: 'relu6', Elu: 'elu', Sigmoid: 'sigmoid', Tanh: 'tanh', LeakyRelu: 'linear' };

function fusedActivation(node: GraphNode): { bias: boolean; activation: Activation } {
  const ops = attrStrings(node, 'fused_ops');
  if (ops.length === 0) return { bias: false, activation: 'linear' };
  if (ops[0] !== 'BiasAdd') throw new Error(`node '${node.name}': fused op ${ops[0]} is not supported (only BiasAdd + activation)`);
  const act = ops[1];
  if (act === undefined) return { bias: true, activation: 'linear' };
  const activation = FUSED_ACTIVATIONS[act];
  if (!activation || act === 'LeakyRelu') throw new Error(`node '${node.name}': fused activation ${act} is not supported`);
  return { bias: true, activation };
}

const clean = (input: string): string => input.replace(/:0$/, '');

/**
 * Converts a TensorFlow graph model (tfjs-converter "graph-model" JSON: a frozen inference graph with batch
 * norm folded into the convolutions) into the IR. Constant operands become weights; scalar Mul/Sub/Add by a
 * constant become affine nodes (input scaling). Unsupported ops are rejected by name.
 */
export function importGraphTopology(topology: unknown, constValues: (name: string) => readonly number[] | undefined): IrModel {
  const parsed = GraphSchema.safeParse(topology);
  if (!parsed.success) throw new Error(`not a TensorFlow graph-model topology: ${parsed.error.issues[0]?.message ?? ''}`);
  const consts = new Set(parsed.data.node.filter((n) => n.op === 'Const').map((n) => n.name));
  const nodes: IrNode[] = [];
  let input: string | undefined;
  let last: string | undefined;
  for (const node of parsed.data.node) {
    if (node.op === 'Const' || node.op === 'NoOp') continue;
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^')).map(clean);
    const dynamic = inputs.filter((i) => !consts.has(i));
    const constant = inputs.filter((i) => consts.has(i));
    const push = (op: OpSpec, from: string[], params: IrNode['params'] = {}): void => {
      nodes.push({ name: node.name, op, inputs: from, params });
      last = node.name;
    };
    switch (node.op) {
      case 'Placeholder':
        if (input) throw new Error(`graph has more than one input ('${input}', '${node.name}')`);
        input = node.name;
        push({ kind: 'input' }, []);
        break;
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative':
      case 'Conv2D':
      case 'DepthwiseConv2dNative': {
        const { bias, activation } = fusedActivation(node);
        const kind = node.op.includes('Depthwise') ? 'depthwise' : 'conv2d';
        const op: OpSpec = { kind, strides: spatial(attrInts(node, 'strides'), 1), padding: paddingOf(node), dilations: spatial(attrInts(node, 'dilations'), 1), activation };
        push(op, [inputs[0] ?? ''], bias ? { kernel: inputs[1], bias: inputs[2] } : { kernel: inputs[1] });
        break;
      }
      case '_FusedMatMul':
      case 'MatMul': {
        if (attr(node, 'transpose_a')?.b === true || attr(node, 'transpose_b')?.b === true) throw new Error(`node '${node.name}': transposed MatMul is not supported`);
        const { bias, activation } = fusedActivation(node);
        push({ kind: 'dense', activation }, [inputs[0] ?? ''], bias ? { kernel: inputs[1], bias: inputs[2] } : { kernel: inputs[1] });
        break;
      }
      case 'Mul':
      case 'Sub':
      case 'Add':
      case 'AddV2':
      case 'RealDiv': {
        if (dynamic.length === 2 && (node.op === 'Add' || node.op === 'AddV2')) push({ kind: 'add' }, dynamic);
        else if (dynamic.length === 2 && node.op === 'Mul') push({ kind: 'multiply' }, dynamic);
        else if (dynamic.length === 1 && constant.length === 1) {
          const c = constant[0] as string;
          const values = constValues(c);
          if (values?.length !== 1) throw new Error(`node '${node.name}': only scalar constants are supported in ${node.op}`);
          const v = values[0] as number;
          const constFirst = inputs[0] === c;
          if (node.op === 'Mul') push({ kind: 'affine', scale: v, offset: 0 }, dynamic);
          else if (node.op === 'RealDiv' && !constFirst) push({ kind: 'affine', scale: 1 / v, offset: 0 }, dynamic);
          else if (node.op === 'Sub') push(constFirst ? { kind: 'affine', scale: -1, offset: v } : { kind: 'affine', scale: 1, offset: -v }, dynamic);
          else if (node.op !== 'RealDiv') push({ kind: 'affine', scale: 1, offset: v }, dynamic);
          else throw new Error(`node '${node.name}': division of a constant by a tensor is not supported`);
        } else throw new Error(`node '${node.name}': unsupported ${node.op} operands`);
        break;
      }
      case 'Relu':
      case 'Relu6':
      case 'Elu':
      case 'Sigmoid':
      case 'Tanh':
      case 'Softmax':
        push({ kind: 'activation', activation: node.op === 'Softmax' ? 'softmax' : (FUSED_ACTIVATIONS[node.op] ?? 'linear') }, [inputs[0] ?? '']);
        break;
      case 'AvgPool':
      case 'MaxPool': {
        const padding = paddingOf(node);
        if (Array.isArray(padding)) throw new Error(`node '${node.name}': explicit pooling padding is not supported`);
        push({ kind: 'pool', mode: node.op === 'MaxPool' ? 'max' : 'avg', size: spatial(attrInts(node, 'ksize'), 1), strides: spatial(attrInts(node, 'strides'), 1), padding }, [inputs[0] ?? '']);
        break;
      }
      case 'Mean':
      case 'Max': {
        const axes = [...(constValues(constant[0] ?? '') ?? [])].sort().join(',');
        if (axes !== '1,2') throw new Error(`node '${node.name}': ${node.op} over axes [${axes}] is not supported (only spatial pooling)`);
        push({ kind: 'global-pool', mode: node.op === 'Mean' ? 'avg' : 'max' }, [dynamic[0] ?? '']);
        break;
      }
      case 'Squeeze':
      case 'Reshape':
        push({ kind: 'flatten' }, [dynamic[0] ?? '']);
        break;
      case 'Identity':
        push({ kind: 'identity' }, [inputs[0] ?? '']);
        break;
      case 'ConcatV2': {
        const axis = constValues(constant[0] ?? '')?.[0];
        if (axis !== 3 && axis !== -1) throw new Error(`node '${node.name}': concatenation over axis ${String(axis)} is not supported`);
        push({ kind: 'concat', axis: -1 }, dynamic);
        break;
      }
      default:
        throw new Error(`node '${node.name}': op ${node.op} is not supported by the tfjs trainer`);
    }
  }
  if (!input || !last) throw new Error('graph has no input placeholder');
  return { nodes: topologicalOrder(nodes), input, output: last };
}
