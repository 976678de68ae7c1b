/**
 * Keeps React Flow's connection handles alive in the builder and the pipeline graph.
 *
 * React Flow keeps a node's handle positions across a new node list only while the node it is
 * given carries `measured`, and it measures a node again only when the node's size changes.
 * Our views replace their node lists from the kernel's state and copy `measured` over, and in
 * about one page load in ten a node still ended up with its size but without handle positions
 * (seen on the layer builder's Input layer, from its first render on, in CI). A press on such
 * a handle starts no connection, and nothing ever repairs it: the user presses in vain.
 *
 * Rendered inside a <ReactFlow>, this component listens to presses in the capture phase on the
 * document, which comes before React's own handlers, and measures again (synchronously,
 * through the store) every node of this canvas that lacks handle positions, before the press
 * reaches a handle. It draws nothing.
 */
import * as React from 'react';
import { useStoreApi } from '@xyflow/react';

export function RemeasureLostHandles(): null {
  const store = useStoreApi();
  React.useEffect(() => {
    const onPress = (event: Event): void => {
      const { nodeLookup, domNode, updateNodeInternals } = store.getState();
      if (!domNode || !(event.target instanceof Node) || !domNode.contains(event.target)) return;
      const updates = new Map<
        string,
        { id: string; nodeElement: HTMLDivElement; force: boolean }
      >();
      for (const nodeElement of domNode.querySelectorAll<HTMLDivElement>('.react-flow__node')) {
        const id = nodeElement.getAttribute('data-id');
        const node = id === null ? undefined : nodeLookup.get(id);
        if (id !== null && node && !node.internals.handleBounds) {
          updates.set(id, { id, nodeElement, force: true });
        }
      }
      if (updates.size > 0) updateNodeInternals(updates);
    };
    document.addEventListener('mousedown', onPress, true);
    document.addEventListener('touchstart', onPress, true);
    return () => {
      document.removeEventListener('mousedown', onPress, true);
      document.removeEventListener('touchstart', onPress, true);
    };
  }, [store]);
  return null;
}
