#!/usr/bin/python3
"""The benchmark's peer: the standard PyTorch recipe for ResNet-50 inference on a folder of JPEGs.

torchvision ResNet-50 (untrained weights: speed does not depend on them), torchvision transforms
on Pillow (Resize 256, CenterCrop 224, ToTensor, Normalize) and a DataLoader with batch 8. Prints
one JSON line per num_workers setting: {"num_workers": n, "images": N, "seconds": s, "images_per_second": r}.
Usage: torch_peer.py <folder> <num_workers,...> [threads]
"""
import json
import os
import sys
import time

import torch
import torchvision
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


class Folder(Dataset):
    def __init__(self, root, transform):
        self.files = sorted(os.path.join(root, f) for f in os.listdir(root) if f.lower().endswith(('.jpg', '.jpeg')))
        self.transform = transform

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        with Image.open(self.files[i]) as img:
            return self.transform(img.convert('RGB'))


def main():
    root = sys.argv[1]
    worker_counts = [int(x) for x in sys.argv[2].split(',')]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count()
    torch.set_num_threads(threads)
    model = torchvision.models.resnet50(weights=None).eval()
    transform = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    dataset = Folder(root, transform)
    with torch.inference_mode():
        model(torch.zeros(8, 3, 224, 224))  # warm-up
        for workers in worker_counts:
            loader = DataLoader(dataset, batch_size=8, num_workers=workers)
            start = time.perf_counter()
            count = 0
            for batch in loader:
                model(batch)
                count += batch.shape[0]
            seconds = time.perf_counter() - start
            print(json.dumps({"num_workers": workers, "images": count, "seconds": seconds, "images_per_second": count / seconds}), flush=True)


if __name__ == '__main__':
    main()
