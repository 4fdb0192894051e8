console.log('bundling…');
