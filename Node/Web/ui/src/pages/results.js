document.getElementById("main").dataset.ready = "1";
