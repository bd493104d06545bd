esbuild src/main.tsx --bundle --format=esm --jsx=automatic --outdir=dist
cp index.html node_modules/seatquote/*.wasm dist/
